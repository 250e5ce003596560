"""Indicator definitions and values over the API: for every role, the
figures are the dashboards' figures; the filters narrow them as the
dashboards' filters do; donors never see a small count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from beneficiaries import services
from indicators.engine import recompute_full
from indicators.selectors import (
    DashboardQuery,
    dashboard_slots,
    governorate_dashboard,
    mission_dashboard,
    programme_dashboard,
)
from tests.api.conftest import USERS
from tests.indicators.conftest import define
from tests.shared_data import built_for_module, for_test

pytestmark = pytest.mark.django_db

Q1_END = dt.date(2018, 3, 31)
VALUES = "/api/v1/indicator-values/"


def figures_create(world: dict) -> dict:
    """The world's two visits approved, the dashboards' definitions, and the
    values recomputed: in Kirkuk (USA) 6 people, 3 of them displaced women;
    the same in Basra (Canada); one project each."""
    define("people-reached", source="assistance", measure="people", apply_multiplier=True)
    define("direct-recipients", source="assistance", measure="people")
    define("projects", source="projects", measure="records")
    define("monitoring-visits", source="visits", measure="records")
    define("feedback-responses", source="feedback", measure="records")
    define("contributions-usd", source="contributions", measure="usd")
    define("inactive", source="projects", measure="records", is_active=False)
    services.visit_approve(visit=world["visit_krk"], user=world["maria"])
    services.visit_approve(visit=world["visit_bsr"], user=world["mark"])
    recompute_full()
    return world


@pytest.fixture(scope="module")
def _figures_for_module(request, _world_for_module, django_db_blocker):
    yield from built_for_module(
        request, django_db_blocker, lambda: figures_create(_world_for_module)
    )


@pytest.fixture
def figures(_figures_for_module, world) -> dict:
    """``figures_create()``'s world, built once for the module's tests as the
    world is (``tests/shared_data.py``): its engine run took most of each
    of the 24 tests' set-up."""
    return for_test(_figures_for_module, lambda: figures_create(world))


def total(rows: list[dict]) -> float | None:
    values = [row["value"] for row in rows]
    if not values:
        return None
    if any(value is None for value in values):
        return "hidden"
    return float(sum(Decimal(value) for value in values))


def api_figure(client, code: str, **params) -> float | None:
    response = client.get(VALUES, {"definition": code, "as_of": Q1_END, **params})
    assert response.status_code == 200, response.content
    return total(response.json()["results"])


def dashboard_figure(data: dict, code: str):
    found = next((h for h in data["headlines"] if h["code"] == code), None)
    if found is None or not found["has_data"]:
        return None
    return "hidden" if found["suppressed"] else found["value"]


@pytest.mark.parametrize("who", USERS)
def test_the_values_are_the_mission_dashboards_figures(figures, api, who):
    user = figures[who]
    data = mission_dashboard(user=user, query=DashboardQuery(as_of=Q1_END))
    client = api(user)
    compared = 0
    for code in [d.code for d in dashboard_slots().headlines]:
        expected = dashboard_figure(data, code)
        if expected is None:
            continue
        assert api_figure(client, code) == expected, code
        compared += 1
    assert compared >= 4


@pytest.mark.parametrize("who", ["admin", "maria", "alice", "dora"])
def test_the_governorate_filter_gives_the_governorate_dashboards_figures(figures, api, who):
    user = figures[who]
    data = governorate_dashboard(user=user, pcode="IQG13", query=DashboardQuery(as_of=Q1_END))
    client = api(user)
    for code in ("people-reached", "direct-recipients", "projects"):
        assert api_figure(client, code, governorate="IQG13") == dashboard_figure(data, code)


@pytest.mark.parametrize("who", ["admin", "mark", "oscar", "carl"])
def test_the_programme_filter_gives_the_programme_dashboards_figures(figures, api, who):
    user = figures[who]
    data = programme_dashboard(user=user, code="RRP", query=DashboardQuery(as_of=Q1_END))
    client = api(user)
    for code in ("people-reached", "direct-recipients", "contributions-usd"):
        assert api_figure(client, code, programme="RRP") == dashboard_figure(data, code)


def test_values_by_governorate_are_the_map(figures, api):
    user = figures["admin"]
    data = mission_dashboard(user=user, query=DashboardQuery(as_of=Q1_END))
    map_values = {area["pcode"]: area["value"] for area in data["areas"] if area["value"]}
    rows = api(user).get(
        VALUES, {"definition": "people-reached", "as_of": Q1_END, "by": "governorate"}
    )
    listed = {row["governorate"]: float(row["value"]) for row in rows.json()["results"]}
    assert listed == map_values == {"IQG13": 24.0, "IQG02": 24.0}


def test_a_filter_outside_ones_scope_gives_nothing_more(figures, api):
    client = api(figures["dora"])
    assert client.get(VALUES, {"donor": "CAN"}).json()["count"] == 0
    assert client.get(VALUES, {"governorate": "IQG02", "as_of": Q1_END}).json()["count"] == 0
    assert client.get(VALUES, {"programme": "RRP"}).json()["count"] == 0
    client = api(figures["alice"])
    assert client.get(VALUES, {"governorate": "IQG02"}).json()["count"] == 0


def test_period_filters(figures, api):
    client = api(figures["admin"])
    rows = client.get(
        VALUES,
        {
            "definition": "direct-recipients",
            "period_type": "month",
            "period_end_after": "2018-03-01",
            "period_end_before": "2018-03-31",
        },
    ).json()["results"]
    assert [(row["period_end"], row["value"]) for row in rows] == [("2018-03-31", "12.00")]
    rows = client.get(VALUES, {"definition": "direct-recipients", "period_type": "quarter"}).json()
    assert [row["period_start"] for row in rows["results"]] == ["2018-01-01"]
    # Before any data there is no running total.
    before = {"definition": "direct-recipients", "as_of": "2017-12-31"}
    assert client.get(VALUES, before).json()["count"] == 0


def test_splits_by_sex_and_population_group(figures, api):
    client = api(figures["admin"])
    rows = client.get(
        VALUES, {"definition": "direct-recipients", "as_of": Q1_END, "sex": "f"}
    ).json()["results"]
    assert [(row["sex_f"], row["sex_m"], row["split_value"]) for row in rows] == [(6, 0, 6)]
    rows = client.get(VALUES, {"as_of": Q1_END, "population_group": "idp"}).json()["results"]
    # Only definitions with splits are listed.
    assert {row["definition"] for row in rows} == {"direct-recipients", "feedback-responses"}
    assert {row["pop_idp"] for row in rows if row["definition"] == "direct-recipients"} == {6}
    response = client.get(VALUES, {"sex": "f", "population_group": "idp"})
    assert response.status_code == 400
    assert set(response.json()) == {"sex", "population_group"}
    assert client.get(VALUES, {"sex": "x"}).status_code == 400


def test_small_counts_are_hidden_from_donors(figures, api):
    client = api(figures["dora"])
    rows = {
        row["definition"]: row for row in client.get(VALUES, {"as_of": Q1_END}).json()["results"]
    }
    projects = rows["projects"]  # USA funds one project
    assert projects["value"] is None and projects["suppressed"] is True
    recipients = rows["direct-recipients"]  # 6 people, 3 displaced women
    assert recipients["value"] == "6.00" and recipients["suppressed"] is False
    assert recipients["sex_f"] is None and recipients["pop_idp"] is None
    assert recipients["sex_m"] == 0 and recipients["pop_host"] == 0
    assert set(recipients["suppressed_fields"]) >= {"sex_f", "pop_idp"}
    assert rows["contributions-usd"]["value"] == "700000.00"  # money is not a count
    # Staff see the same rows whole.
    staff = api(figures["maria"]).get(VALUES, {"definition": "projects", "as_of": Q1_END})
    assert staff.json()["results"][0]["value"] == "1.00"


def test_a_donor_cannot_work_a_small_count_out_of_a_list_by_cut(figures, api, world):
    from tests.factories import ProjectFactory

    ProjectFactory(
        code="KRK-03", programme=world["crp"], governorate=world["basra"], donor=world["usa"]
    )
    for n in range(6):
        ProjectFactory(
            code=f"KRK-1{n}",
            programme=world["crp"],
            governorate=world["kirkuk"],
            donor=world["usa"],
        )
    recompute_full()
    rows = (
        api(figures["dora"])
        .get(VALUES, {"definition": "projects", "as_of": Q1_END, "by": "governorate"})
        .json()["results"]
    )
    shown = {row["governorate"]: row["value"] for row in rows}
    # Basra's single project is hidden, and so is Kirkuk's 7, or 8 - 7 would give it away.
    assert shown == {"IQG02": None, "IQG13": None}


def test_definitions_are_listed_by_code(figures, api):
    active = api(figures["dora"]).get("/api/v1/indicator-definitions/").json()["results"]
    assert "inactive" not in {row["code"] for row in active}
    everything = api(figures["admin"]).get("/api/v1/indicator-definitions/").json()["results"]
    assert "inactive" in {row["code"] for row in everything}
    detail = api(figures["alice"]).get("/api/v1/indicator-definitions/direct-recipients/")
    assert detail.json()["has_splits"] is True
    assert api(figures["alice"]).get("/api/v1/indicator-definitions/inactive/").status_code == 404


@pytest.mark.parametrize("who", ["nobody", None])
def test_values_need_a_role(figures, api, who):
    response = api(figures[who] if who else None).get(VALUES)
    assert response.status_code == (403 if who else 401)
