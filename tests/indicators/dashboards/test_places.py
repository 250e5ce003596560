"""The governorate page of a project covering several places or the whole
country: its visits and photos are those made in the governorate (by their
own place), its projects those covering it or, national, working there; its
districts count a project in each district it covers."""

from __future__ import annotations

import datetime as dt

import pytest

from beneficiaries.models import MonitoringVisit, Photo
from programmes.models_coverage import ProjectPlace
from tests.factories import ProjectFactory, UserFactory, district, governorate, user_with_role
from tests.indicators.dashboards.helpers import AS_OF_Q2, governorate_url, login

pytestmark = pytest.mark.django_db
KIRKUK, NINEWA, ERBIL, MOSUL = "IQG13", "IQG15", "IQG11", "IQG15Q05"


def visit(project, pcode: str, caption: str, *, status="approved") -> MonitoringVisit:
    """A visit of ``project`` to the governorate or district ``pcode``, with a photo."""
    found = MonitoringVisit(
        project=project, monitor=UserFactory(), visit_date=dt.date(2018, 5, 2), status=status
    )
    found.place_set(district(pcode) if len(pcode) == 8 else governorate(pcode))
    found.save()
    Photo.objects.create(visit=found, image=f"photos/{caption}.jpg", caption=caption, credit="A")
    return found


@pytest.fixture
def spread(portfolio):
    """A national project visited in Ninewa and in Kirkuk, and a project
    covering all of Kirkuk and Mosul district, visited in Mosul."""
    national = ProjectFactory(code="NAT-1", governorate=None, national=True, donor=portfolio["usa"])
    multi = ProjectFactory(code="MULTI-1", governorate=None, donor=portfolio["usa"])
    ProjectPlace.objects.create(project=multi, governorate=governorate(KIRKUK))
    ProjectPlace.objects.create(
        project=multi, governorate=governorate(NINEWA), district=district(MOSUL)
    )
    return {
        "national": national,
        "multi": multi,
        "ninewa": visit(national, NINEWA, "ninewa-school"),
        "kirkuk": visit(national, KIRKUK, "kirkuk-clinic"),
        "mosul": visit(multi, MOSUL, "mosul-market"),
    }


def page(client, user, pcode: str) -> dict:
    response = login(client, user).get(governorate_url(pcode), AS_OF_Q2)
    assert response.status_code == 200
    return response.context["data"]


def test_visits_and_photos_are_those_made_in_the_governorate(client, spread):
    admin = user_with_role("admin")
    ninewa = page(client, admin, NINEWA)
    assert {v["pk"] for v in ninewa["visits"]} == {spread["ninewa"].pk, spread["mosul"].pk}
    assert {p["caption"] for p in ninewa["photos"]} == {"ninewa-school", "mosul-market"}
    kirkuk = page(client, admin, KIRKUK)
    assert [v["pk"] for v in kirkuk["visits"]] == [spread["kirkuk"].pk]
    assert [p["caption"] for p in kirkuk["photos"]] == ["kirkuk-clinic"]
    assert page(client, admin, ERBIL)["visits"] == []


def test_projects_are_those_covering_it_or_national_and_working_there(client, spread):
    admin = user_with_role("admin")
    assert {p.code for p in page(client, admin, NINEWA)["projects"]} == {
        "RRP-NIN-1",
        "MULTI-1",
        "NAT-1",
    }
    assert {p.code for p in page(client, admin, KIRKUK)["projects"]} == {
        "CRP-KRK-1",
        "MULTI-1",
        "NAT-1",
    }
    # Erbil: neither covered nor visited.
    assert page(client, admin, ERBIL)["projects"] == []
    # A draft visit is no work there yet.
    visit(spread["national"], ERBIL, "erbil-draft", status="draft")
    assert page(client, admin, ERBIL)["projects"] == []


def test_a_governorate_manager_sees_the_visits_made_in_their_governorate(client, spread):
    manager = user_with_role("manager", governorates=[governorate(KIRKUK)])
    kirkuk = page(client, manager, KIRKUK)
    assert [v["pk"] for v in kirkuk["visits"]] == [spread["kirkuk"].pk]
    # Ninewa's visits of the same national project are not theirs to see.
    assert page(client, manager, NINEWA)["visits"] == []


def test_the_district_map_counts_a_project_in_each_district_it_covers(client, spread):
    districts = page(client, user_with_role("admin"), NINEWA)["districts"]
    projects = {row["pcode"]: row["projects"]["value"] for row in districts["districts"]}
    assert projects[MOSUL] == 1  # the multi-place project, by its coverage
    assert sum(projects.values()) == 1
    # No district of Ninewa named: its one-place project and the national one.
    assert districts["unplaced"]["value"] == 2
