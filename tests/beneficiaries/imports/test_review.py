"""A monitor's import reviewed by a manager in one action, the copy write
and its history, and imports that survive a broker that is down or a
request that dies."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries import imports
from beneficiaries.models import AssistanceRecord, ImportBatch
from indicators.engine import recompute_full
from tests.beneficiaries.imports.helpers import (
    GOOD,
    WOMEN_IDP,
    batch_of,
    confirm,
    csv_file,
    detail,
    status_read_of,
    upload,
    uploads,
    with_cells,
)
from tests.indicators.conftest import define, value

pytestmark = pytest.mark.django_db


# --- A monitor's import, approved by a manager in one action -----------------------------


def monitors_import(client, world, rows, django_capture_on_commit_callbacks):
    batch = batch_of(upload(client, world["alice"], csv_file(rows)))
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, batch)
    return batch


@pytest.mark.parametrize(
    "who, code",
    [("maria", 200), ("admin", 200), ("mark", 404), ("alice", 404), ("mona", 404), ("dora", 404)],
)
def test_who_reviews_a_monitors_import(
    client, world, who, code, django_capture_on_commit_callbacks
):
    batch = monitors_import(client, world, [GOOD], django_capture_on_commit_callbacks)
    client.force_login(world[who])
    review = reverse("beneficiaries:import_review", args=[batch["id"]])
    assert client.get(review).status_code == code
    response = client.post(reverse("beneficiaries:import_approve", args=[batch["id"]]))
    assert response.status_code == (302 if code == 200 else 404)
    statuses = set(AssistanceRecord.objects.values_list("status", flat=True))
    assert statuses == ({"approved"} if code == 200 else {"submitted"})


def test_a_manager_approves_a_monitors_import_in_one_action(
    client, world, eager_tasks, django_capture_on_commit_callbacks
):
    define("bsp-units", source="assistance", measure="units")
    recompute_full()
    rows = [GOOD, with_cells(GOOD, units="6", delivered_on="2018-05-02")]
    batch = monitors_import(client, world, rows, django_capture_on_commit_callbacks)
    assert value("bsp-units") is None
    assert set(AssistanceRecord.objects.values_list("import_batch", flat=True)) == {
        __import__("uuid").UUID(batch["id"])
    }

    client.force_login(world["maria"])
    review = reverse("beneficiaries:import_review", args=[batch["id"]])
    listing = client.get(reverse("beneficiaries:visit_list")).content.decode()
    assert "Imported lists to review" in listing and review in listing
    assert "2 records, 12 people" in listing and "list.csv" in listing
    page = client.get(review).content.decode()
    assert "KRK-01" in page and "Business support package" in page
    assert "Approve all 2 records" in page and "alice" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("beneficiaries:import_approve", args=[batch["id"]]))
    assert response.status_code == 302
    assert set(AssistanceRecord.objects.values_list("status", flat=True)) == {"approved"}
    assert value("bsp-units") == 10
    record = AssistanceRecord.objects.order_by("delivered_on").first()
    latest, first = record.history.order_by("-history_id")[:2]
    assert (latest.status, latest.history_user, latest.history_type) == (
        "approved",
        world["maria"],
        "~",
    )
    assert "Approved with the import of list.csv" == latest.history_change_reason
    assert (first.status, first.history_user, first.history_change_reason) == (
        "submitted",
        world["alice"],
        "Imported from list.csv",
    )
    listing = client.get(reverse("beneficiaries:visit_list")).content.decode()
    assert "Imported lists to review" not in listing
    assert client.get(review).status_code == 404  # nothing left to review


@pytest.mark.parametrize("who, code", [("maria", 302), ("mark", 404), ("alice", 404)])
def test_a_manager_returns_a_monitors_import_with_a_reason(
    client, world, who, code, django_capture_on_commit_callbacks
):
    batch = monitors_import(client, world, [GOOD], django_capture_on_commit_callbacks)
    url = reverse("beneficiaries:import_return", args=[batch["id"]])
    client.force_login(world[who])
    if code == 404:
        assert client.post(url, {"reason": "Wrong month"}).status_code == 404
        assert set(AssistanceRecord.objects.values_list("status", flat=True)) == {"submitted"}
        return

    # No reason: the page comes back saying so, and nothing changes.
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Say why the list goes back" in response.content.decode()
    assert set(AssistanceRecord.objects.values_list("status", flat=True)) == {"submitted"}

    response = client.post(url, {"reason": "The households column holds people"})
    assert response.status_code == 302
    assert set(AssistanceRecord.objects.values_list("status", flat=True)) == {"returned"}
    latest = AssistanceRecord.objects.get().history.order_by("-history_id").first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "returned",
        world["maria"],
        "The households column holds people",
    )
    # Nothing left to review; the monitor reads who returned it and why.
    assert client.get(reverse("beneficiaries:import_review", args=[batch["id"]])).status_code == 404
    client.force_login(world["alice"])
    page = detail(client, batch).content.decode()
    assert "returned 1 record of this list" in page
    assert "The households column holds people" in page


def test_the_copy_write_keeps_every_column_and_one_history_row_each(
    client, world, django_capture_on_commit_callbacks
):
    rows = [with_cells(GOOD, household_size="7"), with_cells(GOOD, units="")]
    batch = monitors_import(client, world, rows, django_capture_on_commit_callbacks)
    records = list(AssistanceRecord.objects.order_by("id"))
    assert [(r.units, r.household_size, r.visit, r.beneficiary) for r in records] == [
        (4, 7, None, None),
        (0, None, None, None),
    ]
    assert all(
        r.created_at and r.updated_at and str(r.import_batch) == batch["id"] for r in records
    )
    assert AssistanceRecord.history.count() == 2
    for record in records:
        row = record.history.get()
        assert (row.history_type, row.people, getattr(row, WOMEN_IDP)) == ("+", 6, 3)


def test_an_upload_while_the_broker_is_down_is_saved_and_sent_later(client, world):
    from iomdash.celery import app as celery_app
    from programmes import outbox
    from programmes.models import OutboxTask
    from tests.programmes.test_outbox import broker_down

    celery_app.conf.task_always_eager = False  # a real publish, to a dead broker
    with broker_down():
        response = upload(client, world["alice"], csv_file([GOOD]))
    assert response.status_code == 302  # saved, not a 500
    batch = imports.status_read(re.search(r"([0-9a-f-]{36})", response["Location"]).group(1))
    assert batch["state"] == "queued"
    assert "Waiting for a worker" in detail(client, batch).content.decode()
    assert OutboxTask.objects.get(state="pending").payload == {"batch_id": batch["id"]}

    # The broker is back: beat's next round sends the check, once.
    celery_app.conf.task_always_eager = True
    assert outbox.outbox_dispatch() == 1
    assert status_read_of(batch)["state"] == "checked"
    assert outbox.outbox_dispatch() == 0
    # Queued again by the clean-up's safety net, it finds the import checked.
    queued_at = dt.datetime.fromisoformat(batch["updated_at"])
    assert imports.import_redispatch(now=queued_at + dt.timedelta(minutes=5)) == 0
    assert status_read_of(batch)["attempts"] == 1


def test_a_request_dying_mid_upload_leaves_a_row_the_clean_up_finds(world, settings):
    class Dying(SimpleUploadedFile):
        def chunks(self, chunk_size=None):
            yield b"project,governorate\n"
            raise ConnectionResetError("the phone lost its connection")

    file = Dying("list.csv", b"project,governorate\nKRK-01,Kirkuk\n")
    with pytest.raises(ConnectionResetError):
        imports.import_create(user=world["alice"], upload=file)
    batch = ImportBatch.objects.get()
    assert batch.state == "receiving" and uploads(settings) == ["upload.csv"]

    later = batch.updated_at + dt.timedelta(days=1, minutes=1)
    assert imports.import_cleanup(now=later) == 1
    assert uploads(settings) == []
    batch.refresh_from_db()
    assert batch.state == "expired" and batch.upload_deleted_at is not None


def test_a_folder_no_import_knows_is_swept_after_an_hour(settings):
    import os
    import uuid

    folder = settings.IMPORT_ROOT / str(uuid.uuid4())
    folder.mkdir(parents=True)
    (folder / "upload.csv").write_text("personal data")
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=61)
    os.utime(folder, (an_hour_ago.timestamp(), an_hour_ago.timestamp()))
    assert imports.import_cleanup(now=an_hour_ago + dt.timedelta(minutes=30)) == 0
    assert folder.exists()
    assert imports.import_cleanup() == 1
    assert not folder.exists()


def test_the_kept_visit_list_shows_an_import_and_its_approval_at_once(
    client, world, django_capture_on_commit_callbacks
):
    """The visit list is kept under the data stamp (``views_list``): imported
    records move it (indicators 0015), so the list shows a new import, and
    no longer shows it once approved, before any recomputation ran."""
    listing = reverse("beneficiaries:visit_list")
    client.force_login(world["maria"])
    assert "Imported lists to review" not in client.get(listing).content.decode()
    assert "Imported lists to review" not in client.get(listing).content.decode()  # kept
    batch = monitors_import(client, world, [GOOD], django_capture_on_commit_callbacks)
    client.force_login(world["maria"])
    assert "Imported lists to review" in client.get(listing).content.decode()
    AssistanceRecord.objects.filter(import_batch=batch["id"]).update(status="approved")
    assert "Imported lists to review" not in client.get(listing).content.decode()
