"""The demo's two snapshot series (``demo.snapshots``): written through the
authoring services, published period after period, each later period a copy
of the one before, every reference in them resolvable, and downloadable by
the demo donor."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from beneficiaries.models import ActivityType, Photo
from demo import generate as demo
from demo.indicators import demo_definitions_ensure
from demo.snapshot_content import (
    CONTACT,
    INFRASTRUCTURE_SECTORS,
    MONTHLY_EDITS,
    QUARTERLY_EDITS,
)
from demo.snapshots import demo_snapshots_ensure
from indicators.engine import recompute_full
from indicators.models import IndicatorDefinition
from programmes.models import Governorate, Project
from snapshots import services
from snapshots.access import snapshots_for_user
from snapshots.models import Snapshot, SnapshotBlock, SnapshotSeries

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
QUARTERLY_KEYS = [
    "accountability",
    "social_services",
    "human_capital",
    "local_economies",
    "good_governance",
    "safer_communities",
]


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo (smaller than ``make run``'s: the series do not depend on
    its size) with its snapshots, made once for this module and rolled back
    after it; PDFs are not rendered. The number of snapshots published."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7")
        with transaction.atomic():
            demo.demo_load(
                seed=demo.DEFAULT_SEED, log=lambda _m: None, n_records=1500, n_visits=300
            )
            demo_definitions_ensure()
            recompute_full(progress=lambda *_: None)
            yield demo_snapshots_ensure(last_quarter_end=demo.AS_OF, today=TODAY)
            transaction.set_rollback(True)


@pytest.fixture
def published(demo_world, db):
    return demo_world


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


# A reference as the officer writes it: {code key=value ...}, values quoted when spaced.
REFERENCE = re.compile(r"\{([a-z0-9-]+)((?:\s+[a-z]+=(?:\"[^\"]*\"|[^\s}\"]+))*)\s*\}")
PARAM = re.compile(r"([a-z]+)=(\"[^\"]*\"|[^\s}\"]+)")


def references(snapshot: Snapshot) -> list[str]:
    """Every reference of ``snapshot``'s blocks, as written (without braces)."""
    found = []
    for section in snapshot.sections.all():
        for block in section.blocks.all():
            content = block.content
            texts = [content.get("text", "")]
            refs = [content.get("ref")] if content.get("ref") else []
            refs += [item["ref"] for item in content.get("items", []) + content.get("rows", [])]
            for text in texts:
                assert text.count("{") == text.count("}"), text
                refs += [m.group(0)[1:-1].strip() for m in REFERENCE.finditer(text)]
                assert len(REFERENCE.findall(text)) == text.count("{"), text  # none malformed
            found += refs
    return found


def unresolved(reference: str, portfolio: set[str]) -> str | None:
    """Why ``reference`` would not resolve in the portfolio ``portfolio``
    (programme codes), or None."""
    code, _, rest = reference.partition(" ")
    if not IndicatorDefinition.objects.filter(code=code, is_active=True).exists():
        return f"no definition {code}"
    params = {k: v.strip('"') for k, v in PARAM.findall(rest)}
    if len(PARAM.findall(rest)) != len(rest.split()) and rest.count('"') == 0:
        return f"bad parameters in {reference}"
    for key, value in params.items():
        if key == "governorate" and not Governorate.objects.filter(pcode=value).exists():
            return f"no governorate {value}"
        if (
            key == "district"
            and not Project.objects.filter(programme__code__in=portfolio, district=value).exists()
        ):
            return f"no project of the portfolio in {value}"
        if key == "programme" and value not in portfolio:
            return f"{value} is not in the portfolio"
        if key == "activity" and not ActivityType.objects.filter(code=value).exists():
            return f"no activity {value}"
        if key not in {"governorate", "district", "programme", "activity", "show"}:
            return f"unknown key {key}"
        if key == "show" and value not in {"cumulative", "period", "change", "previous"}:
            return f"unknown show={value}"
    return None


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
    for snapshot in Snapshot.objects.prefetch_related("sections__blocks", "programmes"):
        portfolio = {p.code for p in snapshot.programmes.all()}
        found = references(snapshot)
        assert len(found) >= 20, snapshot
        problems = {ref: unresolved(ref, portfolio) for ref in set(found)}
        assert {ref: why for ref, why in problems.items() if why} == {}, snapshot


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
