"""Series, drafts and their sections: a new draft starts as a copy of the
previous one of its series, a published snapshot never changes, and a period
is published only when its figures exist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from snapshots import authoring, services
from snapshots.cadence import Period
from snapshots.models import Snapshot, SnapshotBlock, SnapshotSeries
from tests.snapshots.conftest import Q1, Q2

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7")


def monthly(world, user) -> SnapshotSeries:
    return authoring.series_create(programmes=[world.programme], cadence="monthly", user=user)


def sections(snapshot: Snapshot) -> list[tuple]:
    return [
        (s.key, s.title, s.hidden, s.footnotes, [(b.kind, b.content) for b in s.blocks.all()])
        for s in snapshot.sections.prefetch_related("blocks")
    ]


def test_periods_of_each_cadence_have_their_label_and_marker_wording():
    april = Period.containing("monthly", dt.date(2017, 4, 25))
    assert (april.start, april.end, april.label) == (
        dt.date(2017, 4, 1),
        dt.date(2017, 4, 30),
        "April 2017",
    )
    assert april.compared_label == "since last month"
    assert april.previous().end == dt.date(2017, 3, 31)
    q2 = Period.containing("quarterly", dt.date(2018, 5, 2))
    assert (q2.start, q2.end, q2.label, q2.compared_label) == (
        dt.date(2018, 4, 1),
        dt.date(2018, 6, 30),
        "Q2 2018",
        "since last quarter",
    )
    year = Period.containing("annual", dt.date(2018, 5, 2))
    assert (year.start, year.end, year.label) == (
        dt.date(2018, 1, 1),
        dt.date(2018, 12, 31),
        "2018",
    )


def test_a_first_draft_has_the_seeds_outcome_areas(world, users):
    draft = authoring.snapshot_create(
        series=monthly(world, users.manager), period_end=dt.date(2018, 4, 30), user=users.manager
    )
    keys = [s.key for s in draft.sections.all()]
    assert keys == [
        "human_capital",
        "good_governance",
        "social_services",
        "local_economies",
        "safer_communities",
        "accountability",
    ]
    assert draft.period_start == dt.date(2018, 4, 1)
    assert draft.period_label == "April 2018"
    assert draft.disclaimer  # the series' default disclaimer
    kinds = [b.kind for b in draft.sections.get(key="social_services").blocks.all()]
    assert kinds[0] == "narrative" and "table" in kinds


def test_a_new_draft_copies_the_previous_one_of_its_series(world, users):
    series = monthly(world, users.manager)
    april = authoring.snapshot_create(
        series=series, period_end=dt.date(2018, 4, 30), user=users.manager
    )
    human = april.sections.get(key="human_capital")
    narrative = human.blocks.get(kind="narrative")
    authoring.block_update(
        block=narrative, content={"text": "We supported **{bsp-beneficiaries}** people."}
    )
    authoring.block_add(
        section=human,
        kind="figures",
        content={"items": [{"ref": "people-reached governorate=IQG13", "label": "in Kirkuk"}]},
    )
    authoring.section_update(
        section=april.sections.get(key="good_governance"), hidden=True, footnotes="One\nTwo"
    )
    authoring.section_move(section=april.sections.get(key="accountability"), offset=-5)
    authoring.snapshot_update(snapshot=april, contact="IOM Iraq\nBaghdad", title="CRP monthly")
    services.snapshot_publish(snapshot=april, user=users.manager, today=dt.date(2018, 5, 3))

    may = authoring.snapshot_create(
        series=series, period_end=dt.date(2018, 5, 31), user=users.manager
    )
    assert sections(may) == sections(april)
    assert (may.title, may.contact, may.as_of) == (
        "CRP monthly",
        "IOM Iraq\nBaghdad",
        dt.date(2018, 5, 31),
    )
    assert may.sections.first().key == "accountability"
    # The copy is its own: editing it leaves the published April alone.
    authoring.block_update(
        block=may.sections.get(key="human_capital").blocks.get(kind="narrative"),
        content={"text": "Changed"},
    )
    assert (
        narrative.__class__.objects.get(pk=narrative.pk).content["text"].startswith("We supported")
    )


def test_a_published_snapshot_never_changes(world, users):
    draft = authoring.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    services.snapshot_publish(snapshot=draft, user=users.manager, today=dt.date(2018, 4, 2))
    section = draft.sections.first()
    block = section.blocks.first()
    for write in (
        lambda: authoring.block_update(block=block, content={"text": "x"}),
        lambda: authoring.block_add(section=section, kind="narrative"),
        lambda: authoring.block_delete(block=block),
        lambda: authoring.section_update(section=section, hidden=True),
        lambda: authoring.section_add(snapshot=draft, title="More"),
        lambda: authoring.snapshot_update(snapshot=draft, title="Renamed"),
    ):
        with pytest.raises(ValidationError, match="never changes"):
            write()
    assert SnapshotBlock.objects.get(pk=block.pk).content == block.content


@pytest.mark.parametrize(
    ("period_end", "as_of", "today", "error"),
    [
        # The figures' day is after today.
        (Q2, Q2, dt.date(2018, 6, 29), "after today"),
        # A period still running: only "as of today".
        (Q2, dt.date(2018, 6, 1), dt.date(2018, 6, 10), "has not ended"),
    ],
)
def test_publish_guards(world, users, period_end, as_of, today, error):
    draft = authoring.snapshot_create(
        programmes=[world.programme], period_end=period_end, as_of=as_of, user=users.manager
    )
    with pytest.raises(ValidationError, match=error):
        services.snapshot_publish(snapshot=draft, user=users.manager, today=today)
    assert Snapshot.objects.get(pk=draft.pk).status == "draft"


def test_a_running_period_is_published_as_of_today(world, users):
    today = dt.date(2018, 6, 10)
    draft = authoring.snapshot_create(
        programmes=[world.programme], period_end=Q2, user=users.manager, today=today
    )
    assert draft.as_of == today  # the default while the period runs
    published = services.snapshot_publish(snapshot=draft, user=users.manager, today=today)
    assert published.status == "published" and published.as_of == today


def test_periods_are_published_in_order_and_once(world, users):
    q2 = authoring.snapshot_create(programmes=[world.programme], period_end=Q2, user=users.manager)
    services.snapshot_publish(snapshot=q2, user=users.manager, today=dt.date(2018, 7, 1))
    q1 = authoring.snapshot_create(programmes=[world.programme], period_end=Q1, user=users.manager)
    with pytest.raises(ValidationError, match="period after period"):
        services.snapshot_publish(snapshot=q1, user=users.manager, today=dt.date(2018, 7, 1))
    with pytest.raises(ValidationError, match="already published"):
        authoring.snapshot_create(programmes=[world.programme], period_end=Q2, user=users.manager)


def test_bad_days_and_block_contents_are_refused_by_field(world, users):
    series = monthly(world, users.manager)
    with pytest.raises(ValidationError) as error:
        authoring.snapshot_create(
            series=series, period_end=dt.date(2018, 4, 29), user=users.manager
        )
    assert "period_end" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        authoring.snapshot_create(
            series=series,
            period_end=dt.date(2018, 4, 30),
            as_of=dt.date(2018, 5, 2),
            user=users.manager,
        )
    assert "as_of" in error.value.error_dict
    draft = authoring.snapshot_create(
        series=series, period_end=dt.date(2018, 4, 30), user=users.manager
    )
    section = draft.sections.first()
    for kind, content, field in [
        ("table", {"kind": "pie"}, "kind"),
        ("figures", {"items": [{"label": "no ref"}]}, "items"),
        ("narrative", {"text": "x" * 20_001}, "text"),
        ("story", {"photo": "first"}, "photo"),
        ("chart", {}, "kind"),
    ]:
        with pytest.raises(ValidationError) as error:
            authoring.block_add(section=section, kind=kind, content=content)
        assert field in error.value.error_dict
    with pytest.raises(ValidationError):
        authoring.series_create(programmes=[world.programme], cadence="monthly")


def test_blocks_are_reordered_and_renumbered(world, users):
    draft = authoring.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    section = draft.sections.get(key="social_services")
    story = authoring.block_add(section=section, kind="story", position=0)
    assert [b.kind for b in section.blocks.all()][0] == "story"
    authoring.block_move(block=story, offset=10)
    kinds = [b.kind for b in section.blocks.all()]
    assert kinds[-1] == "story"
    authoring.block_delete(block=section.blocks.first())
    assert [b.position for b in section.blocks.all()] == list(range(len(kinds) - 1))


def test_a_draft_after_a_snapshot_without_sections_starts_from_the_defaults(world, users):
    """Snapshots published before sections existed have none: the next
    draft starts with the outcome areas rather than empty."""
    q1 = authoring.snapshot_create(programmes=[world.programme], period_end=Q1, user=users.manager)
    q1.sections.all().delete()
    services.snapshot_publish(snapshot=q1, user=users.manager, today=dt.date(2018, 4, 2))
    q2 = authoring.snapshot_create(programmes=[world.programme], period_end=Q2, user=users.manager)
    assert q2.sections.count() == len(authoring.DEFAULT_SECTIONS)


def test_publishing_while_the_broker_is_down_is_saved_and_its_pdf_waits_in_the_outbox(
    client, world, users
):
    from django.test import TestCase

    from iomdash.celery import app as celery_app
    from programmes.models import OutboxTask
    from tests.programmes.test_outbox import broker_down

    draft = authoring.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    OutboxTask.objects.all().delete()
    client.force_login(users.manager)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with broker_down(), TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(f"/snapshots/{draft.pk}/publish/")
    finally:
        celery_app.conf.task_always_eager = eager
    assert response.status_code == 302  # published, not a 500
    assert Snapshot.objects.get(pk=draft.pk).status == "published"
    [row] = OutboxTask.objects.filter(state="pending")
    assert (row.kind, row.payload) == ("snapshots.pdf_generate", {"snapshot_id": draft.pk})
