"""The demo's two snapshot series (``demo.snapshots``): written through the
authoring services, published period after period, each later period a copy
of the one before, every reference in them resolvable, and downloadable by
the demo donor."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from beneficiaries.models import Photo
from demo import generate as demo
from demo.snapshot_content import (
    CONTACT,
    INFRASTRUCTURE_SECTORS,
    MONTHLY_EDITS,
    QUARTERLY_EDITS,
)
from demo.snapshots import demo_snapshots_ensure
from indicators.models import IndicatorDefinition
from snapshots import services
from snapshots.access import snapshots_for_user
from snapshots.build import snapshot_document
from snapshots.models import Snapshot, SnapshotBlock, SnapshotSeries
from snapshots.references import ReferenceError
from tests.demo.conftest import TODAY, resolved

pytestmark = pytest.mark.django_db

QUARTERLY_KEYS = [
    "accountability",
    "social_services",
    "human_capital",
    "local_economies",
    "good_governance",
    "safer_communities",
]


def series(cadence: str) -> list[Snapshot]:
    return list(
        Snapshot.objects.filter(series__cadence=cadence)
        .order_by("period_end")
        .prefetch_related("sections__blocks")
    )


def layout(snapshot: Snapshot) -> list[tuple]:
    return [
        (s.key, s.title, s.hidden, s.footnotes, [(b.kind, b.content) for b in s.blocks.all()])
        for s in snapshot.sections.all()
    ]


def test_the_demo_publishes_a_quarterly_crp_series_written_like_seed_000(published):
    assert published == 5
    q2, q3, q4 = series("quarterly")
    assert [(s.status, s.period_label) for s in (q2, q3, q4)] == [
        ("published", "Q2 2026"),
        ("published", "Q3 2026"),
        ("draft", "Q4 2026"),
    ]
    assert q3.previous == q2 and q4.as_of == TODAY
    assert q2.series.portfolio_key == "CRP" and q2.title == "IOM Community Revitalization Programme"
    assert "example.org" in q2.contact and "Baghdad" in q2.contact and q2.contact == CONTACT
    assert "International Organization for Migration" in q2.disclaimer

    sections = list(q2.sections.all())
    assert [s.key for s in sections] == QUARTERLY_KEYS  # in the seed's order
    assert not any(s.hidden for s in sections)
    for section in sections:
        kinds = [b.kind for b in section.blocks.all()]
        assert kinds[:2] == ["narrative", "figures"], section.key
        narrative = section.blocks.all()[0].content["text"]
        assert 2 <= narrative.count(".") and "{" in narrative, section.key  # live numbers
    blocks = SnapshotBlock.objects.filter(section__snapshot=q2)
    tables = {b.content["kind"]: b.content for b in blocks.filter(kind="table")}
    assert tables["sector_status"]["sectors"] == INFRASTRUCTURE_SECTORS
    assert tables["population_groups"]["ref"] == "direct-recipients"
    assert len(tables["custom"]["rows"]) == 4
    items = [i["ref"] for b in blocks.filter(kind="figures") for i in b.content["items"]]
    assert len(items) >= 12
    assert any("district=" in ref for ref in items) and any("governorate=" in ref for ref in items)
    assert sum(bool(s.footnotes) for s in sections) >= 2

    stories = [b.content for b in blocks.filter(kind="story")]
    assert len(stories) == 4
    photos = Photo.objects.filter(pk__in=[s["photo"] for s in stories]).select_related(
        "visit__project__programme"
    )
    assert len(photos) == 4  # four different photos
    for photo in photos:  # from approved visits of CRP, taken by the end of the quarter
        assert photo.visit.status == "approved" and photo.visit.project.programme.code == "CRP"
        assert photo.visit.visit_date <= q2.period_end
    assert all(s["caption"] and s["title"] and s["text"] for s in stories)


def test_each_later_period_is_the_previous_one_copied_forward_and_edited(published):
    q2, q3, q4 = series("quarterly")
    before, after = layout(q2), layout(q3)
    assert [s[:4] for s in before] == [s[:4] for s in after]
    changed = {s[0] for s, t in zip(before, after, strict=True) if s[4] != t[4]}
    assert changed == {edit.key for edit in QUARTERLY_EDITS}
    for edit in QUARTERLY_EDITS:
        text = SnapshotBlock.objects.get(
            section__snapshot=q3, section__key=edit.key, kind="narrative"
        ).content["text"]
        assert edit.new in text
    assert layout(q4) == after  # the next draft starts from the latest

    july, august, september = series("monthly")
    assert august.previous == july and september.previous == august
    assert layout(august) != layout(july) and layout(september) != layout(august)
    text = SnapshotBlock.objects.get(
        section__snapshot=september, section__key="social_services", kind="narrative"
    ).content["text"]
    assert MONTHLY_EDITS[1][1].new in text


def test_the_demo_publishes_a_monthly_series_written_like_seed_001(published):
    months = series("monthly")
    assert [(s.status, s.period_label, s.as_of) for s in months] == [
        ("published", "July 2026", date(2026, 7, 31)),
        ("published", "August 2026", date(2026, 8, 31)),
        ("published", "September 2026", date(2026, 9, 30)),
    ]
    september = months[-1]
    assert september.series.portfolio_key == "CRP+RRP"
    assert september.title == "IOM Community Transition and Recovery Programme"
    sections = list(september.sections.all())
    assert sections[0].title.startswith("Mosul Response")
    assert {s.key for s in sections if s.hidden} == {"human_capital", "good_governance"}
    # Starred (×6) figures for named districts, as "918* in Qayyarah".
    first = [i["ref"] for i in sections[0].blocks.get(kind="figures").content["items"]]
    starred = set(
        IndicatorDefinition.objects.filter(apply_multiplier=True).values_list("code", flat=True)
    )
    named = [ref for ref in first if "district=" in ref and ref.split()[0] in starred]
    assert len(named) >= 4
    assert "*" in sections[0].footnotes and "6" in sections[0].footnotes
    assert (
        "this month"
        in SnapshotBlock.objects.get(section=sections[2], kind="narrative").content["text"]
    )


def test_every_reference_of_the_demo_snapshots_resolves(published):
    for snapshot in Snapshot.objects.prefetch_related("sections__blocks"):
        found = resolved(snapshot)
        assert len(found) >= 20, snapshot
        errors = {k: v.message for k, v in found.items() if isinstance(v, ReferenceError)}
        assert errors == {}, snapshot
        _payload, errors = snapshot_document(snapshot)
        assert errors == [], snapshot  # the draft too: it can be published as it is
    # The monthly's named places show figures, starred where the multiplier applies.
    september = series("monthly")[-1]
    found = resolved(september)
    places = [r for r in found.values() if r.place and "district=" in r.key]
    assert {r.place for r in places} >= {"Al-Muqdadiya", "Baquba", "Sinjar"}
    assert all(r.value for r in places if r.starred)
    assert sum(r.starred for r in places) >= 4


def test_the_demo_donor_downloads_the_published_snapshots_and_a_rerun_adds_nothing(published):
    donor = get_user_model().objects.get(username="donor")
    published_ones = set(Snapshot.objects.filter(status="published"))
    assert len(published_ones) == 5
    assert set(snapshots_for_user(donor)) == published_ones  # never the draft
    counts = (
        SnapshotSeries.objects.count(),
        Snapshot.objects.count(),
        SnapshotBlock.objects.count(),
    )
    assert demo_snapshots_ensure(last_quarter_end=demo.AS_OF, today=TODAY) == 0
    assert (
        SnapshotSeries.objects.count(),
        Snapshot.objects.count(),
        SnapshotBlock.objects.count(),
    ) == counts


def test_the_published_documents_show_the_sections_and_what_grew_since_last_period(published):
    july, august, september = series("monthly")
    payload = september.payload
    assert payload["period"]["label"] == "September 2026"
    assert payload["period"]["compared_label"] == "since last month"
    titles = [s["title"] for s in payload["sections"]]
    assert len(titles) == 5 and titles[0].startswith("Mosul Response")  # hidden ones left out
    items = [
        item
        for section in payload["sections"]
        for block in section["blocks"]
        if block["type"] == "figures"
        for item in block["items"]
    ]
    assert any(item["marker"] == "increased" for item in items)
    named = [i for i in items if i["place"] and i["starred"]]
    assert {i["place"] for i in named} >= {"Al-Muqdadiya", "Baquba"}
    assert not any(item["marker"] for item in july.payload["sections"][0]["blocks"][1]["items"])

    q2, q3, _q4 = series("quarterly")
    assert q3.payload["period"]["compared_label"] == "since last quarter"
    assert [s["title"] for s in q3.payload["sections"]] == [s.title for s in q3.sections.all()]
    stories = [b for s in q3.payload["sections"] for b in s["blocks"] if b["type"] == "story"]
    assert len(stories) == 4 and all(story["photo"] for story in stories)
    assert q3.payload["contact"] == CONTACT and "example.org" in q3.payload["contact"]


def test_a_rerun_that_remade_the_photos_gives_the_draft_photos_again(published):
    *_published, q4 = series("quarterly")
    stories = SnapshotBlock.objects.filter(section__snapshot=q4, kind="story")
    gone = stories.first().content["photo"]
    Photo.objects.filter(pk=gone).delete()  # as the generator's rerun does
    assert snapshot_document(q4)[1]  # the draft shows the missing photo as an error

    assert demo_snapshots_ensure(last_quarter_end=demo.AS_OF, today=TODAY) == 0
    assert snapshot_document(q4)[1] == []
    photos = [b.content["photo"] for b in stories]
    assert gone not in photos and len(set(photos)) == len(photos)
    q3 = series("quarterly")[1]
    assert gone in [  # the published one is frozen
        b.content["photo"] for b in SnapshotBlock.objects.filter(section__snapshot=q3, kind="story")
    ]


def test_the_demo_donor_downloads_the_pdfs_the_worker_makes_and_never_the_draft(published, client):
    client.force_login(get_user_model().objects.get(username="donor"))
    for snapshot in Snapshot.objects.filter(status="published"):
        assert services.snapshot_pdf_generate(snapshot_id=snapshot.pk)  # the worker's task
        response = client.get(f"/snapshots/{snapshot.pk}/pdf/download/")
        assert response.status_code == 200, snapshot
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    draft = Snapshot.objects.get(status="draft")
    assert client.get(f"/snapshots/{draft.pk}/").status_code == 404
    assert client.get(f"/snapshots/{draft.pk}/pdf/download/").status_code == 404
