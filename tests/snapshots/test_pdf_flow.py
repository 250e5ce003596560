"""The snapshot PDF end to end with the real renderer (WeasyPrint, Plotly and
Chromium): generated on publish by the Celery task, stored, served as it
was stored whatever happens to the records afterwards."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess

import pytest

from beneficiaries.models import AssistanceRecord
from snapshots import services
from snapshots.models import Snapshot
from tests.snapshots.conftest import Q1, photo, recompute

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_published_pdf_is_stored_once_and_never_changes(
    world, users, client, django_capture_on_commit_callbacks, eager_tasks
):
    record = world.deliver(on=dt.date(2018, 2, 1), households=1234, units=1234)
    photo(world, on=dt.date(2018, 3, 1), caption="A shop re-opened")
    recompute()
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )

    # The draft preview, from live figures, is marked DRAFT.
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_pdf_request(snapshot=draft, user=users.manager)
    draft.refresh_from_db()
    assert draft.pdf_ready
    preview = text_of(draft.pdf.read())
    assert "DRAFT" in preview
    assert "1,234" in preview

    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_publish(snapshot=draft, user=users.manager)
    snapshot = Snapshot.objects.get(pk=draft.pk)
    assert snapshot.pdf_status == "done"
    with snapshot.pdf.open("rb") as handle:
        published = handle.read()
    assert published.startswith(b"%PDF")
    text = text_of(published)
    assert "DRAFT" not in text
    assert "1,234" in text and "Rapid Recovery Programme" in text
    assert "75.0%" in text or "75%" in text  # USA's share of the contributions
    frozen = copy.deepcopy(snapshot.payload)

    # After publishing, the record is returned, changed and approved again.
    AssistanceRecord.objects.filter(pk=record.pk).update(status="returned")
    recompute()
    AssistanceRecord.objects.filter(pk=record.pk).update(status="approved", units=5000)
    recompute()
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_pdf_request(snapshot=snapshot, user=users.donor)
    snapshot.refresh_from_db()
    assert snapshot.payload == frozen

    # The donor downloads exactly the stored bytes.
    client.force_login(users.donor)
    response = client.get(f"/snapshots/{snapshot.pk}/pdf/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == published
    assert "attachment" in response["Content-Disposition"]
