"""The document of a snapshot: what the officer wrote, with live figures in a
draft, frozen on publish, compared with the previous snapshot of the same
series, and exact on any as-of day."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from beneficiaries.models import AssistanceRecord
from programmes.models import District
from snapshots import authoring, services
from snapshots.build import snapshot_document
from snapshots.models import Snapshot
from tests.snapshots.conftest import feedback, photo, recompute

pytestmark = pytest.mark.django_db

APRIL, MAY = dt.date(2018, 4, 30), dt.date(2018, 5, 31)


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7")


def write(snapshot: Snapshot, key: str, kind: str, content: dict):
    """Replace the first block of ``kind`` in section ``key`` (or add one)."""
    section = snapshot.sections.get(key=key)
    block = section.blocks.filter(kind=kind).first()
    if block is None:
        return authoring.block_add(section=section, kind=kind, content=content)
    return authoring.block_update(block=block, content=content)


def blocks(payload: dict, key: str, kind: str) -> list[dict]:
    section = next(s for s in payload["sections"] if s["key"] == key)
    return [b for b in section["blocks"] if b["type"] == kind]


def items(payload: dict) -> dict[tuple, dict]:
    return {
        (i["code"], i["place"]): i
        for s in payload["sections"]
        for b in s["blocks"]
        if b["type"] == "figures"
        for i in b["items"]
    }


@pytest.fixture
def series(world, users):
    return authoring.series_create(
        programmes=[world.programme], cadence="monthly", user=users.manager
    )


def test_a_mid_month_as_of_day_counts_the_records_up_to_that_day(world, users, series):
    """The April 2017 seed, "as of 25 April": a record of the 20th counts, one
    of the 28th does not, and neither vanishes into the March totals."""
    world.deliver(on=dt.date(2018, 3, 5), households=10, units=10)
    world.deliver(on=dt.date(2018, 4, 20), households=25, units=25)
    world.deliver(on=dt.date(2018, 4, 28), households=100, units=100)
    feedback(world, on=dt.date(2018, 4, 15), answers=["5", "4"])
    feedback(world, on=dt.date(2018, 4, 27), answers=["1"])
    recompute()
    draft = authoring.snapshot_create(
        series=series, period_end=APRIL, as_of=dt.date(2018, 4, 25), user=users.manager
    )
    write(draft, "local_economies", "figures", {"items": [{"ref": "bsp-packages"}]})
    write(
        draft,
        "local_economies",
        "narrative",
        {"text": "In Kirkuk: {bsp-packages governorate=Kirkuk show=period} packages this month."},
    )
    payload, errors = snapshot_document(draft)
    assert errors == []
    figure = items(payload)[("bsp-packages", None)]
    assert (figure["value"], figure["period_value"]) == (35, 25)
    assert (
        '<span class="ref">25</span> packages this month'
        in blocks(payload, "local_economies", "narrative")[0]["html"]
    )
    assert payload["feedback"][0]["base"] == 2  # the answer of the 27th is after the day
    assert payload["period"]["label"] == "April 2018"
    assert "had not ended" in payload["period"]["as_of_note"]
    # The map shows people reached: 35 households of 6.
    assert next(a for a in payload["areas"]["values"] if a["pcode"] == "IQG13")["value"] == 210
    [question] = payload["feedback"]
    assert [a["code"] for a in question["answers"]] == ["1", "4", "5"]  # negative first
    assert (question["average"], question["scale_max"]) == (4.5, 5)


def test_a_monthly_series_marks_what_increased_since_last_month_and_what_was_corrected(
    world, users, series
):
    world.deliver(on=dt.date(2018, 4, 3), households=10, units=10)
    world.deliver(on=dt.date(2018, 4, 9), activity=world.cfw, households=5, people=5)
    late = world.deliver(on=dt.date(2018, 4, 12), households=3, units=3, status="submitted")
    recompute()
    april = authoring.snapshot_create(series=series, period_end=APRIL, user=users.manager)
    write(
        april,
        "local_economies",
        "figures",
        {
            "items": [
                {"ref": "bsp-packages"},
                {"ref": "cash-for-work"},
                {"ref": "bsp-beneficiaries district=Hawija", "label": "beneficiaries in Hawija"},
            ]
        },
    )
    world.kirkuk.district = District.objects.get(pcode="IQG13Q01")  # Al-Hawiga
    world.kirkuk.save()
    april = services.snapshot_publish(snapshot=april, user=users.manager, today=dt.date(2018, 5, 2))
    frozen = copy.deepcopy(april.payload)

    # May: more packages; the April record of the 12th is approved late (a
    # correction of April); cash for work does not move.
    world.deliver(on=dt.date(2018, 5, 6), households=4, units=4)
    AssistanceRecord.objects.filter(pk=late.pk).update(status="approved")
    recompute()
    may = authoring.snapshot_create(series=series, period_end=MAY, user=users.manager)
    payload, errors = snapshot_document(may)
    assert errors == []
    assert payload["period"]["compared_label"] == "since last month"
    found = items(payload)
    assert found[("bsp-packages", None)]["marker"] == "corrected"
    assert found[("bsp-packages", None)]["previous"] == 10
    assert found[("cash-for-work", None)]["marker"] is None
    hawija = found[("bsp-beneficiaries", "Al-Hawiga")]
    assert hawija["label"] == "beneficiaries in Hawija" and hawija["starred"]
    corrected = {c["code"]: c for c in payload["corrections"]}
    assert (corrected["bsp-packages"]["old"], corrected["bsp-packages"]["new"]) == (10, 13)
    assert corrected["bsp-packages"]["period"] == "April 2018"
    assert "cash-for-work" not in corrected
    # The published April never changes.
    assert Snapshot.objects.get(pk=april.pk).payload == frozen

    # June, against May as published: only growth now.
    may = services.snapshot_publish(snapshot=may, user=users.manager, today=dt.date(2018, 6, 1))
    world.deliver(on=dt.date(2018, 6, 2), households=1, units=1)
    recompute()
    june = authoring.snapshot_create(
        series=series, period_end=dt.date(2018, 6, 30), user=users.manager
    )
    found = items(snapshot_document(june)[0])
    assert found[("bsp-packages", None)]["marker"] == "increased"
    assert found[("bsp-packages", None)]["previous"] == 17


def test_references_are_live_in_a_draft_and_frozen_on_publish(world, users, series):
    world.deliver(on=dt.date(2018, 4, 3), households=10, units=10)
    recompute()
    april = authoring.snapshot_create(series=series, period_end=APRIL, user=users.manager)
    write(april, "human_capital", "narrative", {"text": "We gave **{bsp-packages}** packages."})
    assert (
        '<strong><span class="ref">10</span></strong>'
        in snapshot_document(april)[0]["sections"][0]["blocks"][0]["html"]
    )
    world.deliver(on=dt.date(2018, 4, 4), households=5, units=5)
    recompute()
    html = snapshot_document(april)[0]["sections"][0]["blocks"][0]["html"]
    assert '<span class="ref">15</span>' in html  # live
    april = services.snapshot_publish(snapshot=april, user=users.manager, today=dt.date(2018, 5, 1))
    world.deliver(on=dt.date(2018, 4, 5), households=7, units=7)
    recompute()
    published = Snapshot.objects.get(pk=april.pk).payload
    assert '<span class="ref">15</span>' in published["sections"][0]["blocks"][0]["html"]
    assert published["references"]["bsp-packages"]["value"] == 15  # frozen for next month


def test_an_unknown_reference_is_an_error_where_it_is_and_refuses_publishing(world, users, series):
    april = authoring.snapshot_create(series=series, period_end=APRIL, user=users.manager)
    write(
        april,
        "human_capital",
        "narrative",
        {"text": "First line.\nWe reached {people-reachd governorate=IQG13} people."},
    )
    write(
        april, "local_economies", "figures", {"items": [{"ref": "bsp-packages district=Atlantis"}]}
    )
    payload, errors = snapshot_document(april)
    messages = [e["message"] for e in errors]
    assert any("Line 2, column 12" in m and "people-reachd" in m for m in messages)
    assert any("Atlantis" in m for m in messages)
    assert {e["section"] for e in errors} == {"human_capital", "local_economies"}
    html = payload["sections"][0]["blocks"][0]["html"]
    assert "ref-error" in html and "people-reachd" in html  # marked, never blank
    with pytest.raises(ValidationError, match="people-reachd"):
        services.snapshot_publish(snapshot=april, user=users.manager, today=dt.date(2018, 5, 1))
    assert Snapshot.objects.get(pk=april.pk).status == "draft"


def test_hidden_sections_stories_tables_and_footnotes(world, users, series):
    world.deliver(
        on=dt.date(2018, 4, 3),
        households=30,
        people=30,
        units=10,
        recipients={("f", "18-59", "idp"): 16, ("m", "18-59", "returnee"): 14},
    )
    recompute()
    picture = photo(world, on=dt.date(2018, 4, 3), caption="A barbershop reopens")
    april = authoring.snapshot_create(series=series, period_end=APRIL, user=users.manager)
    authoring.section_update(section=april.sections.get(key="good_governance"), hidden=True)
    economies = april.sections.get(key="local_economies")
    authoring.section_update(section=economies, footnotes="Source: field monitoring.\n\n")
    authoring.block_add(
        section=economies,
        kind="story",
        content={"photo": picture.pk, "title": "Back in business", "text": "*Ali* reopened."},
    )
    authoring.block_add(
        section=economies,
        kind="table",
        content={"kind": "population_groups", "title": "", "ref": "direct-recipients"},
    )
    authoring.block_add(
        section=economies,
        kind="table",
        content={
            "kind": "custom",
            "title": "By governorate",
            "rows": [{"label": "Kirkuk", "ref": "bsp-packages governorate=IQG13"}],
        },
    )
    authoring.block_add(section=economies, kind="gender", content={"ref": "direct-recipients"})
    payload, errors = snapshot_document(april)
    assert errors == []
    assert "good_governance" not in [s["key"] for s in payload["sections"]]
    section = next(s for s in payload["sections"] if s["key"] == "local_economies")
    assert section["footnotes"] == ["Source: field monitoring."]
    story = blocks(payload, "local_economies", "story")[0]
    assert story["photo"]["caption"] == "A barbershop reopens"
    assert story["photo"]["governorate"] == world.kirkuk.governorate.name_iom
    assert "<em>Ali</em>" in story["text"]
    assert payload["photos"][0]["storage_name"] == picture.image.name  # the cover
    groups, custom = blocks(payload, "local_economies", "table")
    assert groups["rows"] == [["Internally displaced", "16"], ["Returnee", "14"]]
    assert custom["rows"] == [["Kirkuk", "10", "10"]]
    gender = blocks(payload, "local_economies", "gender")[0]
    assert (gender["female"], gender["male"]) == (16, 14)


def test_a_story_photo_must_come_from_an_approved_visit_of_the_portfolio(world, users, series):
    pending = photo(world, on=dt.date(2018, 4, 3), caption="Pending", status="submitted")
    april = authoring.snapshot_create(series=series, period_end=APRIL, user=users.manager)
    authoring.block_add(
        section=april.sections.first(), kind="story", content={"photo": pending.pk, "title": "x"}
    )
    _payload, errors = snapshot_document(april)
    assert any("approved visit" in e["message"] for e in errors)


def test_gender_and_group_blocks_show_what_was_not_recorded(world, users, series):
    """30 people of whom 16 women and 20 displaced, nothing else recorded: the
    blocks show women and "not recorded", never invented men or groups."""
    world.deliver(
        on=dt.date(2018, 4, 3),
        households=30,
        people=30,
        units=10,
        splits={"sex_f": 16, "pop_idp": 20},
    )
    recompute()
    april = authoring.snapshot_create(series=series, period_end=APRIL, user=users.manager)
    economies = april.sections.get(key="local_economies")
    authoring.block_add(
        section=economies,
        kind="table",
        content={"kind": "population_groups", "title": "", "ref": "direct-recipients"},
    )
    authoring.block_add(section=economies, kind="gender", content={"ref": "direct-recipients"})
    payload, errors = snapshot_document(april)
    assert errors == []
    (groups,) = blocks(payload, "local_economies", "table")
    assert groups["rows"] == [["Internally displaced", "20"], ["Not recorded", "10"]]
    (gender,) = blocks(payload, "local_economies", "gender")
    assert (gender["female"], gender["male"], gender["not_recorded"]) == (16, 0, 14)
    assert gender["not_recorded_display"] == "14"
