"""Creating, publishing and comparing snapshots: a published snapshot never
changes; the next one marks what grew and what was corrected since."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from beneficiaries.models import AssistanceRecord
from snapshots import services
from snapshots.models import Snapshot
from snapshots.selectors import snapshot_payload
from tests.snapshots.conftest import Q1, Q2, Q3, recompute
from tests.snapshots.test_payload import figures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    """The PDF is not what these tests look at: a stand-in renderer that
    shows which payload it was given (the real one: test_pdf_flow.py)."""
    rendered = []

    def render(payload, progress=None):
        rendered.append(payload)
        return b"%PDF-1.7 " + payload["status"].encode() + payload["as_of"].encode()

    monkeypatch.setattr(services, "_render", render)
    return rendered


def publish(world, quarter, user, **kw) -> Snapshot:
    snapshot = services.snapshot_create(
        programmes=[world.programme], period_end=quarter, user=user, **kw
    )
    return services.snapshot_publish(snapshot=snapshot, user=user)


@pytest.fixture
def three_quarters(world, users):
    """Q1: 10 packages in Kirkuk, 10 people in cash for work, and 4 packages
    delivered in March still waiting for approval when Q1 is published.
    Q2: 15 more people in cash for work; the March packages are approved
    (a backdated correction of Q1). Q3: 5 more people in cash for work."""
    world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    world.deliver(on=dt.date(2018, 3, 1), activity=world.cfw, households=10, people=10)
    late = world.deliver(on=dt.date(2018, 3, 10), households=4, units=4, status="submitted")
    recompute()
    q1 = publish(world, Q1, users.manager)
    frozen_q1 = copy.deepcopy(q1.payload)

    world.deliver(on=dt.date(2018, 5, 1), activity=world.cfw, households=15, people=15)
    AssistanceRecord.objects.filter(pk=late.pk).update(status="approved")
    recompute()
    q2 = publish(world, Q2, users.manager)
    frozen_q2 = copy.deepcopy(q2.payload)

    world.deliver(on=dt.date(2018, 8, 1), activity=world.cfw, households=5, people=5)
    recompute()
    q3 = publish(world, Q3, users.manager)
    return {"q1": q1, "q2": q2, "q3": q3, "frozen_q1": frozen_q1, "frozen_q2": frozen_q2}


def test_first_snapshot_has_no_markers(three_quarters):
    q1 = Snapshot.objects.get(pk=three_quarters["q1"].pk)
    assert q1.previous is None
    shown = figures(q1.payload)
    assert shown["bsp-packages"]["value"] == 10
    assert all(f["marker"] is None and f["previous"] is None for f in shown.values())
    assert q1.payload["corrections"] == []
    assert q1.payload["status"] == "published"
    assert q1.payload["published_at"] is not None


def test_backdated_approval_is_a_correction_in_the_next_snapshot(three_quarters):
    q2 = Snapshot.objects.get(pk=three_quarters["q2"].pk)
    assert q2.previous_id == three_quarters["q1"].pk
    shown = figures(q2.payload)
    # March's 4 packages, approved after Q1 was published: corrected.
    assert shown["bsp-packages"]["marker"] == "corrected"
    assert shown["bsp-packages"]["value"] == 14
    assert shown["bsp-packages"]["previous"] == 10
    assert shown["bsp-beneficiaries"]["marker"] == "corrected"
    corrections = {c["code"]: c for c in q2.payload["corrections"]}
    assert corrections["bsp-packages"] == {
        "code": "bsp-packages",
        "label": "bsp packages",
        "period": "Q1 2018",
        "old": 10,
        "new": 14,
        "old_display": "10",
        "new_display": "14",
    }
    assert set(corrections) == {
        "bsp-packages",
        "bsp-beneficiaries",
        "people-reached",
        "direct-recipients",
    }
    # Cash for work grew from 10 to 25, with Q1 unchanged: increased.
    assert shown["cash-for-work"]["marker"] == "increased"
    assert (shown["cash-for-work"]["previous"], shown["cash-for-work"]["value"]) == (10, 25)
    # Unchanged figures carry no marker.
    assert shown["projects"]["marker"] is None
    assert shown["contributions-usd"]["marker"] is None


def test_the_previous_snapshot_stays_as_it_was(three_quarters):
    q1 = Snapshot.objects.get(pk=three_quarters["q1"].pk)
    assert q1.payload == three_quarters["frozen_q1"]
    assert figures(q1.payload)["bsp-packages"]["value"] == 10


def test_third_quarter_compares_with_the_second(three_quarters):
    q3 = Snapshot.objects.get(pk=three_quarters["q3"].pk)
    assert q3.previous_id == three_quarters["q2"].pk
    shown = figures(q3.payload)
    assert shown["cash-for-work"]["marker"] == "increased"
    assert shown["cash-for-work"]["previous"] == 25
    assert shown["bsp-packages"]["marker"] is None  # the correction was reported once
    assert shown["bsp-packages"]["previous"] == 14
    assert q3.payload["corrections"] == []
    assert Snapshot.objects.get(pk=three_quarters["q2"].pk).payload == three_quarters["frozen_q2"]


def test_published_payload_does_not_change_when_records_change(world, users):
    record = world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    recompute()
    q1 = publish(world, Q1, users.manager)
    frozen = copy.deepcopy(q1.payload)
    # Corrected after publishing: returned, changed and approved again.
    AssistanceRecord.objects.filter(pk=record.pk).update(status="returned")
    recompute()
    AssistanceRecord.objects.filter(pk=record.pk).update(status="approved", units=99)
    recompute()
    q1.refresh_from_db()
    assert q1.payload == frozen
    assert snapshot_payload(q1) == frozen
    # The live figures did change: the next quarter's draft reports it.
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q2, user=users.manager
    )
    shown = figures(snapshot_payload(draft))["bsp-packages"]
    assert (shown["previous"], shown["value"], shown["marker"]) == (10, 99, "corrected")


def test_create_checks_the_quarter_and_the_portfolio(world, users):
    with pytest.raises(ValidationError):
        services.snapshot_create(
            programmes=[world.programme], period_end=dt.date(2018, 5, 31), user=users.manager
        )
    with pytest.raises(ValidationError):
        services.snapshot_create(
            programmes=[world.programme],
            period_end=Q1,
            as_of=dt.date(2018, 4, 2),
            user=users.manager,
        )
    with pytest.raises(ValidationError):
        services.snapshot_create(programmes=[], period_end=Q1, user=users.manager)
    snapshot = services.snapshot_create(
        programmes=[world.programme, world.other], period_end=Q1, user=users.manager
    )
    assert snapshot.portfolio_key == "CRP+RRP"
    assert snapshot.as_of == Q1
    assert snapshot.status == "draft" and snapshot.payload is None


def test_one_published_snapshot_per_portfolio_and_quarter(world, users):
    publish(world, Q2, users.manager)
    with pytest.raises(ValidationError):
        services.snapshot_create(programmes=[world.programme], period_end=Q2, user=users.manager)
    earlier = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    with pytest.raises(ValidationError):  # published in order
        services.snapshot_publish(snapshot=earlier, user=users.manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.filter(pk=earlier.pk).update(
            period_end=Q2, status="published", payload={}, published_at=dt.datetime.now(dt.UTC)
        )


def test_publish_twice_is_refused(world, users):
    q1 = publish(world, Q1, users.manager)
    with pytest.raises(ValidationError):
        services.snapshot_publish(snapshot=q1, user=users.manager)


def test_publish_queues_the_pdf_after_commit(
    world, users, django_capture_on_commit_callbacks, eager_tasks, no_pdf
):
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_publish(snapshot=draft, user=users.manager)
    draft.refresh_from_db()
    assert draft.pdf_status == "done" and draft.pdf_progress == 100
    assert draft.pdf.read().startswith(b"%PDF-1.7 published")
    assert [p["status"] for p in no_pdf] == ["published"]


def test_draft_preview_is_built_from_live_figures_and_marked_draft(
    world, users, django_capture_on_commit_callbacks, eager_tasks, no_pdf
):
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_pdf_request(snapshot=draft, user=users.manager)
    draft.refresh_from_db()
    assert draft.pdf_ready
    assert no_pdf[-1]["status"] == "draft"
    assert draft.payload is None  # nothing frozen by a preview
    first = draft.pdf.name
    # A new preview replaces the old one.
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_pdf_request(snapshot=draft, user=users.manager)
    draft.refresh_from_db()
    assert draft.pdf.name != first and len(no_pdf) == 2


def test_published_pdf_is_generated_once(
    world, users, django_capture_on_commit_callbacks, eager_tasks, no_pdf
):
    q1 = services.snapshot_create(programmes=[world.programme], period_end=Q1, user=users.manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_publish(snapshot=q1, user=users.manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.snapshot_pdf_request(snapshot=q1, user=users.manager)
    assert callbacks == []
    assert services.snapshot_pdf_generate(snapshot_id=q1.pk) is False
    assert len(no_pdf) == 1


def test_a_failed_pdf_says_so_and_can_be_retried(
    world, users, monkeypatch, django_capture_on_commit_callbacks, eager_tasks
):
    def broken(payload, progress=None):
        raise RuntimeError("Chromium is not there")

    monkeypatch.setattr(services, "_render", broken)
    q1 = services.snapshot_create(programmes=[world.programme], period_end=Q1, user=users.manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_publish(snapshot=q1, user=users.manager)
    q1.refresh_from_db()
    assert q1.pdf_status == "failed" and "Chromium is not there" in q1.pdf_error
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: b"%PDF ok")
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_pdf_request(snapshot=q1, user=users.manager)
    q1.refresh_from_db()
    assert q1.pdf_ready and q1.pdf_attempts == 2


def test_a_draft_preview_finishing_after_publish_is_dropped(world, users, no_pdf):
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    services.snapshot_pdf_request(snapshot=draft, user=users.manager)
    # The preview renders while the manager publishes.
    services.snapshot_publish(snapshot=draft, user=users.manager)
    assert services._store(draft.pk, status="draft", content=b"%PDF draft") is False
    draft.refresh_from_db()
    assert draft.pdf_status == "queued" and not draft.pdf


def test_render_for_the_benchmark_stores_nothing(world, users, no_pdf):
    world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    recompute()
    publish(world, Q1, users.manager)
    world.deliver(on=dt.date(2018, 5, 1), households=2, units=2)
    recompute()
    content = services.snapshot_pdf_render(programmes=[world.programme], period_end=Q2)
    assert content.startswith(b"%PDF")
    payload = no_pdf[-1]
    assert payload["status"] == "published" and payload["as_of"] == "2018-06-30"
    assert figures(payload)["bsp-packages"]["marker"] == "increased"
    assert Snapshot.objects.count() == 1
