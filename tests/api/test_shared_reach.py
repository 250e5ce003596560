"""Over the API, a new visit's lines may share a reach: "29 joint and 9
association businesses reaching 110 households", given once and counted once;
an inconsistent one is a 400 that names the line or the reach."""

from __future__ import annotations

import pytest

from beneficiaries.models import AssistanceRecord, SharedReach
from tests.api.conftest import DAY
from tests.factories import ActivityTypeFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/visits/"


def body(world, association, *, lines=None, reaches=None) -> dict:
    return {
        "project": world["krk"].pk,
        "visit_date": DAY.isoformat(),
        "findings": "Businesses open.",
        "lines": lines
        if lines is not None
        else [
            {
                "activity_type": world["bsp"].pk,
                "units": 29,
                "households": 0,
                "people": 0,
                "reach": "jb",
            },
            {
                "activity_type": association.pk,
                "units": 9,
                "households": 0,
                "people": 0,
                "reach": "jb",
            },
        ],  # fmt: skip
        "reaches": reaches
        if reaches is not None
        else [{"key": "jb", "households": 110, "people": 110, "sex_f": 40}],
    }


@pytest.fixture
def association(world):
    activity = ActivityTypeFactory(code="association", name="Association business")
    activity.sectors.set(world["bsp"].sectors.all())
    return activity


def test_lines_of_a_new_visit_share_one_reach(world, api, association):
    client = api(world["alice"])
    response = client.post(URL, body(world, association), format="json")
    assert response.status_code == 201, response.content
    lines = AssistanceRecord.objects.filter(visit_id=response.json()["id"]).order_by("units")
    assert [(line.units, line.households, line.people) for line in lines] == [(9, 0, 0), (29, 0, 0)]
    [reach] = SharedReach.objects.all()
    assert {line.reach_id for line in lines} == {reach.pk}
    assert (reach.households, reach.people, reach.sex_f) == (110, 110, 40)
    # The assistance endpoint says which reach each line shares.
    listed = client.get("/api/v1/assistance-records/", {"visit": response.json()["id"]}).json()
    shared = [row["shared_reach"] for row in listed["results"]]
    assert [row["households"] for row in shared] == [110, 110]
    assert {row["id"] for row in shared} == {reach.pk}


def test_an_inconsistent_reach_is_a_400_by_line_and_by_reach(world, api, association):
    client = api(world["alice"])
    lines = [
        {"activity_type": world["bsp"].pk, "units": 29, "households": 110, "people": 110,
         "reach": "jb"},
        {"activity_type": association.pk, "units": 9, "households": 0, "people": 0,
         "reach": "other"},
    ]  # fmt: skip
    response = client.post(URL, body(world, association, lines=lines), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert (
        "give its households, people and household size once" in errors["lines"][0]["households"][0]
    )
    assert "No shared reach “other”" in errors["lines"][1]["reach"][0]
    assert "has 1 line" in errors["reaches"][0]["key"][0]
    too_many = [{"key": "jb", "households": 120, "people": 110}]
    response = client.post(URL, body(world, association, reaches=too_many), format="json")
    assert response.status_code == 400
    assert (
        "More households (120) than people (110)" in response.json()["reaches"][0]["households"][0]
    )
    assert not SharedReach.objects.exists()


def test_a_line_of_a_reach_keeps_its_day_and_records_no_households(world, api, association):
    client = api(world["alice"])
    visit = client.post(URL, body(world, association), format="json").json()
    line = AssistanceRecord.objects.filter(visit_id=visit["id"]).first()
    url = f"/api/v1/assistance-records/{line.pk}/"
    response = client.patch(url, {"households": 5, "people": 5}, format="json")
    assert response.status_code == 400
    assert "shares a reach" in str(response.json())
    response = client.patch(url, {"delivered_on": "2018-02-01"}, format="json")
    assert response.status_code == 400 and "change their day together" in str(response.json())
    response = client.patch(url, {"units": 30}, format="json")
    assert response.status_code == 200 and response.json()["shared_reach"]["households"] == 110


def test_a_new_visits_reach_and_lines_carry_two_way_crossings(world, api, association):
    crossings = {"sex_pop": {"f_idp": 30, "m_idp": 20}}
    lines = [
        {
            "activity_type": world["bsp"].pk,
            "units": 4,
            "households": 4,
            "people": 60,
            "crossings": {"sex_age": {"f_18_59": 25}},
        }
    ]
    reaches = [{"key": "jb", "households": 110, "people": 110, "crossings": crossings}]
    shared = body(world, association)["lines"]
    client = api(world["alice"])
    response = client.post(
        URL, body(world, association, lines=[*lines, *shared], reaches=reaches), format="json"
    )
    assert response.status_code == 201, response.content
    [reach] = SharedReach.objects.all()
    assert reach.crossings == crossings
    assert (reach.sex_f, reach.pop_idp, reach.age_18_59) == (30, 50, None)
    own = AssistanceRecord.objects.get(visit_id=response.json()["id"], reach=None)
    assert (own.crossings, own.sex_f, own.age_18_59) == ({"sex_age": {"f_18_59": 25}}, 25, 25)
    beyond = {"key": "jb", "households": 110, "people": 110}
    beyond["crossings"] = {"sex_pop": {"f_idp": 100, "m_idp": 20}}
    refused = client.post(URL, body(world, association, reaches=[beyond]), format="json")
    assert refused.status_code == 400
    assert "add up to 120, more than the 110 people" in str(refused.json())
