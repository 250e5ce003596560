"""The governorate page's districts: every district of the governorate keyed
by P-code, with the people its projects reached adding up to the
governorate's figure, within the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from indicators.engine import recompute_full
from programmes.models import District, Project
from tests.factories import ProjectFactory, district, user_with_role
from tests.indicators.conftest import record
from tests.indicators.dashboards.helpers import (  # noqa: F401 (the fixtures)
    _portfolio_for_module,
    governorate_url,
    login,
    portfolio,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(portfolio):  # noqa: F811
    """The Kirkuk project in the district Kirkuk, and a second CRP project in
    Al-Hawiga with 40 households reached in May 2018."""
    Project.objects.filter(code="CRP-KRK-1").update(district=district("IQG13Q04"))
    hawija = ProjectFactory(
        code="CRP-HAW-1",
        programme=portfolio["crp"],
        district=district("IQG13Q01"),
        donor=portfolio["usa"],
        status="ongoing",
    )
    record(hawija, on=dt.date(2018, 5, 20), households=40, people=40)
    recompute_full()
    return portfolio


def page(client, user, **params):
    login(client, user)
    response = client.get(governorate_url("IQG13"), {"as_of": "2018-06-30", **params})
    assert response.status_code == 200
    return response.context["data"]


def by_pcode(data) -> dict:
    return {row["pcode"]: row for row in data["districts"]["districts"]}


def test_every_district_of_the_governorate_adds_up_to_its_figure(client, placed):
    data = page(client, user_with_role("admin"))
    rows = by_pcode(data)
    assert set(rows) == set(
        District.objects.filter(governorate__pcode="IQG13").values_list("pcode", flat=True)
    )
    kirkuk_area = next(a for a in data["areas"] if a["pcode"] == "IQG13")
    people = {pcode: row["people"]["value"] for pcode, row in rows.items()}
    assert people["IQG13Q01"] > 0 and people["IQG13Q04"] > 0
    assert sum(people.values()) == kirkuk_area["value"]
    assert rows["IQG13Q01"]["projects"]["value"] == 1
    assert rows["IQG13Q02"]["people"]["display"] == "0"
    html = client.get(governorate_url("IQG13"), {"as_of": "2018-06-30"}).content.decode()
    assert 'data-district="IQG13Q01"' in html
    assert reverse("dashboards:districts_geojson", args=["IQG13"]) in html


def test_a_filter_narrows_the_districts_as_the_governorate(client, placed):
    data = page(client, user_with_role("admin"), programme="RRP")
    assert all(row["people"]["value"] == 0 for row in data["districts"]["districts"])


def test_a_manager_of_another_programme_elsewhere_sees_no_people_here(client, placed):
    manager = user_with_role("manager", programmes=[placed["rrp"]])
    data = page(client, manager)
    assert all(row["people"]["value"] == 0 for row in data["districts"]["districts"])


def test_a_manager_of_the_governorate_sees_every_district(client, placed):
    manager = user_with_role("manager", programmes=[placed["rrp"]], governorates=[placed["kirkuk"]])
    admin = by_pcode(page(client, user_with_role("admin")))
    assert by_pcode(page(client, manager)) == admin


def test_a_project_without_a_district_is_counted_apart(client, placed):
    Project.objects.filter(code="CRP-HAW-1").update(district=None)
    data = page(client, user_with_role("admin"))
    assert data["districts"]["unplaced"]["value"] == 1
    assert by_pcode(data)["IQG13Q01"]["people"]["value"] == 0


def test_the_district_boundaries_are_served_by_pcode(client, placed):
    login(client, user_with_role("admin"))
    response = client.get(reverse("dashboards:districts_geojson", args=["IQG15"]))
    assert response.status_code == 200
    features = response.json()["features"]
    assert [f["id"] for f in features] == sorted(
        District.objects.filter(governorate__pcode="IQG15").values_list("pcode", flat=True)
    )
    assert features[0]["properties"]["pcode"] == features[0]["id"]
    assert response.json()["features"][4]["properties"]["name_en"] == "Al-Mosul"
    assert client.get(reverse("dashboards:districts_geojson", args=["IQG99"])).status_code == 404


def test_the_page_costs_the_same_queries_whatever_the_districts(client, placed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = user_with_role("admin")
    login(client, admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(governorate_url("IQG13"), {"as_of": "2018-06-30"}).status_code == 200
        return len(queries)

    before = count()
    for pcode in ("IQG13Q02", "IQG13Q03"):
        project = ProjectFactory(programme=placed["crp"], district=district(pcode))
        record(project, on=dt.date(2018, 4, 2), households=2)
    recompute_full()
    assert count() == before
