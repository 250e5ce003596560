"""The payload a snapshot shows: its figures are the value table's, as of the
snapshot's date, for the portfolio's programmes only; fine cuts are protected."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from indicators.models import IndicatorValue
from snapshots.selectors import snapshot_payload_build
from tests.snapshots.conftest import Q1, Q2, feedback, photo, recompute

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "version",
    "title",
    "programmes",
    "quarter_end",
    "quarter_label",
    "period_start",
    "as_of",
    "status",
    "published_at",
    "multiplier",
    "headlines",
    "contributions",
    "areas",
    "sections",
    "feedback",
    "population_groups",
    "gender",
    "corrections",
    "photos",
    "footnotes",
    "attribution",
}
FIGURE_KEYS = {
    "code",
    "label",
    "value",
    "display",
    "unit",
    "starred",
    "as_of",
    "marker",
    "previous",
}


def figures(payload: dict) -> dict[str, dict]:
    """The portfolio-wide figures of a payload (version 1, or version 2's
    figures blocks without a place), by definition code."""
    found = {f["code"]: f for f in payload["headlines"]}
    for section in payload["sections"]:
        if "blocks" not in section:
            found.update({f["code"]: f for f in section["figures"]})
            continue
        for block in section["blocks"]:
            if block["type"] == "figures":
                found.update({f["code"]: f for f in block["items"] if not f.get("place")})
    return found


@pytest.fixture
def delivered(world):
    """Q1 deliveries in Kirkuk and Ninewa, a Q2 one, and data of another
    programme that must not count."""
    world.deliver(
        on=dt.date(2018, 2, 1),
        households=10,
        people=16,
        units=10,
        recipients={
            ("f", "18-59", "idp"): 7,
            ("m", "18-59", "returnee"): 3,
            ("f", "18-59", "host"): 6,
        },
    )
    world.deliver(
        on=dt.date(2018, 3, 5),
        project=world.ninewa,
        households=3,
        people=3,
        units=3,
        size=4,
        recipients={("f", "18-59", "idp"): 1, ("m", "18-59", "idp"): 2},
    )
    world.deliver(on=dt.date(2018, 5, 5), activity=world.cfw, households=20, people=20)
    from tests.factories import ProjectFactory

    stranger = ProjectFactory(programme=world.other)
    world.deliver(on=dt.date(2018, 2, 1), project=stranger, households=500, people=500, units=500)
    world.deliver(on=dt.date(2018, 3, 1), status="submitted", households=900, units=900)
    recompute()
    return world


def test_payload_has_every_contract_key_and_is_json(delivered):
    payload = snapshot_payload_build(programmes=[delivered.programme], period_end=Q1, as_of=Q1)
    assert set(payload) == CONTRACT_KEYS
    json.dumps(payload)  # plain JSON
    for figure in figures(payload).values():
        assert set(figure) == FIGURE_KEYS
    assert payload["quarter_label"] == "Q1 2018"
    assert payload["title"] == "Rapid Recovery Programme"
    assert payload["status"] == "draft"
    assert payload["programmes"][0]["code"] == "RRP"
    assert [s["code"] for s in payload["sections"]] == ["social_services", "local_economies"]


def test_figures_match_the_value_table(delivered):
    world = delivered
    payload = snapshot_payload_build(programmes=[world.programme], period_end=Q1, as_of=Q1)
    shown = figures(payload)
    for code, figure in shown.items():
        stored = (
            IndicatorValue.objects.filter(
                definition__code=code,
                period_type="cumulative",
                programme=world.programme,
                governorate=None,
                donor=None,
                period_end__lte=Q1,
            )
            .order_by("-period_end")
            .first()
        )
        assert stored is not None, code
        assert figure["value"] == (
            float(stored.value) if code == "contributions-usd" else int(stored.value)
        )
    # Approved Q1 records of RRP only: 10 + 3 packages (not the submitted 900,
    # not the other programme's 500, not the Q2 cash for work).
    assert shown["bsp-packages"]["value"] == 13
    assert shown["bsp-packages"]["display"] == "13"
    # 10 households × 6 + 3 households × recorded size 4.
    assert shown["bsp-beneficiaries"]["value"] == 72
    assert shown["bsp-beneficiaries"]["starred"] is True
    assert "cash-for-work" not in shown
    assert payload["multiplier"]["value"] == 6
    assert any("Multiplied by 6" in note for note in payload["footnotes"])
    assert shown["people-reached"]["as_of"] == "2018-03-31"


def test_multi_programme_portfolio_sums_the_programmes(delivered):
    world = delivered
    alone = figures(snapshot_payload_build(programmes=[world.programme], period_end=Q1, as_of=Q1))
    both = snapshot_payload_build(
        programmes=[world.programme, world.other], period_end=Q1, as_of=Q1
    )
    assert figures(both)["bsp-packages"]["value"] == alone["bsp-packages"]["value"] + 500
    assert both["title"] == "Community Revitalization Programme, Rapid Recovery Programme"


def test_contributions_by_donor_with_shares(delivered):
    payload = snapshot_payload_build(programmes=[delivered.programme], period_end=Q1, as_of=Q1)
    contributions = payload["contributions"]
    assert contributions["total_usd"] == 1_000_000.0
    assert contributions["donors"] == [
        {"name": "USA", "usd": 750000.0, "share": 75.0},
        {"name": "Canada", "usd": 250000.0, "share": 25.0},
    ]


def test_areas_all_governorates_with_small_counts_hidden(delivered):
    payload = snapshot_payload_build(programmes=[delivered.programme], period_end=Q1, as_of=Q1)
    values = {v["pcode"]: v for v in payload["areas"]["values"]}
    assert len(values) == 18
    # Kirkuk: 10 households × 6 = 60; Ninewa: 3 × 4 = 12; elsewhere 0.
    assert values["IQG13"]["value"] == 60 and values["IQG13"]["display"] == "60"
    assert values["IQG15"]["value"] == 12
    assert values["IQG13"]["name_ar"] == "كركوك"
    assert values["IQG01"]["value"] == 0
    for pcode, shown in values.items():
        stored = (
            IndicatorValue.objects.filter(
                definition__code="people-reached",
                period_type="cumulative",
                programme=delivered.programme,
                donor=None,
                governorate__pcode=pcode,
                period_end__lte=Q1,
            )
            .order_by("-period_end")
            .first()
        )
        assert shown["value"] == (int(stored.value) if stored else 0), pcode


def test_population_groups_and_gender_protect_small_counts(delivered):
    payload = snapshot_payload_build(programmes=[delivered.programme], period_end=Q1, as_of=Q1)
    groups = {g["code"]: g for g in payload["population_groups"]}
    assert groups["idp"]["value"] == 10 and groups["idp"]["display"] == "10"
    assert groups["returnee"]["value"] is None and groups["returnee"]["display"] == "<5"
    # The next smallest is hidden too, or the total would give the 3 away.
    assert groups["host"]["value"] is None and groups["host"]["display"] == "not shown"
    assert groups["refugee"]["value"] == 0
    assert payload["gender"] == {"female": 14, "male": 5, "not_recorded": 0}
    assert any("<5" in note for note in payload["footnotes"])


def test_gender_hidden_when_a_count_is_small(world):
    world.deliver(
        on=dt.date(2018, 2, 1),
        households=9,
        recipients={("f", "18-59", "idp"): 8, ("m", "18-59", "idp"): 1},
    )
    recompute()
    payload = snapshot_payload_build(programmes=[world.programme], period_end=Q1, as_of=Q1)
    assert payload["gender"] is None


def test_projects_by_sector_and_status(delivered):
    payload = snapshot_payload_build(programmes=[delivered.programme], period_end=Q1, as_of=Q1)
    section = next(s for s in payload["sections"] if s["code"] == "social_services")
    assert section["projects_by_sector_status"] == [
        {"sector": "Education", "preparation": 0, "ongoing": 0, "completed": 1},
        {"sector": "Water and sanitation", "preparation": 0, "ongoing": 2, "completed": 0},
    ]


def test_feedback_distribution_and_photos(delivered):
    world = delivered
    feedback(world, on=dt.date(2018, 3, 1), answers=["5", "5", "5", "4"])
    feedback(world, on=dt.date(2018, 5, 1), answers=["1"])  # after the as-of date
    photo(world, on=dt.date(2018, 2, 1), caption="Older")
    photo(world, on=dt.date(2018, 3, 20), caption="A shop re-opened")
    photo(world, on=dt.date(2018, 3, 25), caption="Not approved", status="submitted")
    payload = snapshot_payload_build(programmes=[world.programme], period_end=Q1, as_of=Q1)
    [question] = payload["feedback"]
    assert question["responses"] == 4
    assert question["answers"] == [
        {"code": "5", "label": "Very satisfied", "count": 3, "share": 75.0},
        {"code": "4", "label": "Satisfied", "count": 1, "share": 25.0},
        {"code": "1", "label": "Not satisfied", "count": 0, "share": 0.0},
    ]
    assert [p["caption"] for p in payload["photos"]] == ["A shop re-opened", "Older"]
    cover = payload["photos"][0]
    assert cover["donor"] == "USA" and cover["governorate"] == "Kirkuk"
    assert cover["credit"] == "Thikra Al-Bayaty"
    assert cover["storage_name"].startswith("photos/")


def test_payload_build_query_count_is_bounded(delivered, django_assert_max_num_queries):
    world = delivered
    feedback(world, on=dt.date(2018, 3, 1), answers=["5", "4"])
    photo(world, on=dt.date(2018, 3, 20), caption="A shop")
    previous = snapshot_payload_build(programmes=[world.programme], period_end=Q1, as_of=Q1)
    # Definitions, totals now and as of the previous snapshot, projects, map,
    # governorates, contributions, those to the portfolio itself, donors,
    # answers, aggregate survey results, questions, photos.
    with django_assert_max_num_queries(13):
        snapshot_payload_build(
            programmes=[world.programme, world.other],
            period_end=Q2,
            as_of=Q2,
            previous_payload=previous,
        )


def test_a_partial_split_shows_what_was_not_recorded(delivered):
    """40 more people, 30 of them women and 25 displaced, nothing else
    recorded: the rest is "not recorded", never shared out."""
    delivered.deliver(
        on=dt.date(2018, 3, 10),
        households=10,
        people=40,
        units=5,
        splits={"sex_f": 30, "pop_idp": 25},
    )
    recompute()
    payload = snapshot_payload_build(programmes=[delivered.programme], period_end=Q1, as_of=Q1)
    assert payload["gender"] == {"female": 44, "male": 5, "not_recorded": 10}
    groups = {g["code"]: g for g in payload["population_groups"]}
    assert groups["idp"]["value"] == 35
    assert groups["not_recorded"]["value"] == 15
    assert groups["not_recorded"]["label"] == "Not recorded"
