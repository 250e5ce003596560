"""Splits as they are recorded, over the API: a line split by sex only (or
any one dimension), what it leaves as "not recorded", and the indicator
values' "not recorded" beside their splits."""

from __future__ import annotations

import pytest

from beneficiaries import services
from indicators.engine import recompute_full
from tests.api.conftest import WOMEN_IDP, visit_with_line
from tests.indicators.conftest import define

pytestmark = pytest.mark.django_db

LINES = "/api/v1/assistance-records/"


def new_line(world, visit, **changes) -> dict:
    return {
        "visit": visit.pk,
        "activity_type": "bsp",
        "units": 2,
        "households": 20,
        "people": 120,
        **changes,
    }


def test_a_line_split_by_sex_only_invents_no_age_or_group(world, api):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    client = api(world["alice"])
    response = client.post(LINES, new_line(world, draft, sex_f=70), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["sex_f"], created["sex_m"], created["sex_not_recorded"]) == (70, None, 50)
    assert created["pop_idp"] is None and created["pop_not_recorded"] == 120
    assert created["age_not_recorded"] == 120 and created[WOMEN_IDP] == 0
    # Changing one split column keeps the others of its dimension.
    url = f"{LINES}{created['id']}/"
    changed = client.patch(url, {"sex_m": 50}, format="json").json()
    assert (changed["sex_f"], changed["sex_m"], changed["sex_not_recorded"]) == (70, 50, 0)
    # Cells given alone: the dimensions take their sums.
    crossed = client.patch(url, {WOMEN_IDP: 9, "sex_f": 70}, format="json").json()
    assert (crossed["sex_f"], crossed["age_18_59"], crossed["pop_idp"]) == (70, 9, 9)
    assert crossed["pop_not_recorded"] == 111


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"sex_f": 70, "sex_m": 60}, "Women + men (130) is more than the 120 people."),
        (
            {"pop_idp": 100, "pop_host": 30},
            "The population groups (130) is more than the 120 people.",
        ),
    ],
)
def test_a_split_above_the_people_is_a_400_that_says_so(world, api, changes, message):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    response = api(world["alice"]).post(LINES, new_line(world, draft, **changes), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["people"] == [message]


def test_indicator_values_give_what_was_not_recorded(world, api):
    define("direct-recipients", source="assistance", measure="people")
    define("projects", source="projects", measure="records")
    services.visit_approve(visit=world["visit_krk"], user=world["maria"])
    recompute_full()
    response = api(world["maria"]).get(
        "/api/v1/indicator-values/", {"as_of": "2018-03-31", "governorate": "IQG13"}
    )
    rows = {row["definition"]: row for row in response.json()["results"]}
    recipients = rows["direct-recipients"]  # 6 people, 3 displaced women
    assert (recipients["sex_f"], recipients["sex_m"], recipients["sex_not_recorded"]) == (3, 0, 3)
    assert recipients["pop_not_recorded"] == 3 and recipients["age_not_recorded"] == 3
    assert rows["projects"]["sex_not_recorded"] is None  # no splits


def test_a_line_crossed_by_sex_and_age_only_over_the_api(world, api):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    client = api(world["alice"])
    crossings = {"sex_age": {"f_18_59": 40, "m_18_59": 35}}
    response = client.post(LINES, new_line(world, draft, crossings=crossings), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["crossings"] == crossings
    assert (created["sex_f"], created["age_18_59"], created["pop_not_recorded"]) == (40, 75, 120)
    url = f"{LINES}{created['id']}/"
    # A change elsewhere keeps the crossing; one beyond the people is a 400.
    assert client.patch(url, {"units": 3}, format="json").json()["crossings"] == crossings
    refused = client.patch(
        url, {"crossings": {"sex_age": {"f_18_59": 100, "f_60plus": 30}}}, format="json"
    )
    assert refused.status_code == 400
    assert "add up to 130, more than the 120 people" in str(refused.json())
