"""A national project (no place of its own) and a multi-place project: their
records count where each was delivered, in the value table, the exact
figures, the API's filters and the exports; monitors and managers see the
visits and records made in their governorates."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from beneficiaries.access import assistance_for_user, visits_for_user
from beneficiaries.models import AssistanceRecord
from indicators.engine import recompute_full, recompute_incremental
from indicators.selectors import DashboardQuery, FigureQuery, figures, mission_dashboard
from indicators.services import assistance_scope
from programmes import services
from programmes.models import SubDistrict
from tests.exports.conftest import column, download
from tests.factories import (
    AssistanceRecordFactory,
    DonorFactory,
    MonitoringVisitFactory,
    ProgrammeFactory,
    SectorFactory,
    UserFactory,
    district,
    governorate,
    user_with_role,
)
from tests.indicators.conftest import define, table, value

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2018, 12, 31)
KIRKUK, NINEWA, ERBIL = "IQG13", "IQG15", "IQG11"


def project(code=None, **coverage):
    return services.project_create(
        user=UserFactory(),
        fields={
            "code": code or ("NAT-1" if coverage.get("national") else "MULTI-1"),
            "name": "Cash for work",
            "programme": ProgrammeFactory(),
            "sector": SectorFactory(),
            "donor": DonorFactory(),
            "start_date": dt.date(2017, 3, 1),
            "budget_usd": 1000,
            **coverage,
        },
    )


def delivered(project, place, people, on=dt.date(2018, 2, 1)):
    """An approved record of ``project`` at ``place`` (a P-code at any level)."""
    level = {5: governorate, 8: district}.get(len(place))
    found = level(place) if level else SubDistrict.objects.get(pcode=place)
    where = AssistanceRecord()
    where.place_set(found)
    return AssistanceRecordFactory(
        project=project,
        delivered_on=on,
        households=people,
        people=people,
        subdistrict=where.subdistrict,
        district=where.district,
        governorate=where.governorate,
    )


@pytest.fixture
def national():
    define("people", source="assistance", measure="people")
    nat = project(national=True)
    delivered(nat, KIRKUK, 7)
    delivered(nat, "IQG15Q05N01", 5)  # Al-Qayarra, a sub-district of Mosul, Ninewa
    delivered(nat, "IQG15Q05", 3, on=dt.date(2018, 5, 1))  # Mosul district itself
    return nat


def test_a_national_projects_records_count_in_their_own_governorates(national):
    recompute_full()
    assert value("people") == 15
    assert value("people", governorate=governorate(KIRKUK)) == 7
    assert value("people", governorate=governorate(NINEWA)) == 8
    assert value("people", governorate=governorate(ERBIL)) is None
    assert value("people", governorate=governorate(NINEWA), programme=national.programme) == 8


def test_its_exact_figures_cut_by_governorate_and_district(national):
    recompute_full()  # the cuts the value table holds are read from it
    asked = {
        "all": FigureQuery(definition="people", as_of=AS_OF),
        "kirkuk": FigureQuery(definition="people", as_of=AS_OF, governorate=KIRKUK),
        "ninewa": FigureQuery(definition="people", as_of=AS_OF, governorate=NINEWA),
        "mosul": FigureQuery(
            definition="people", as_of=AS_OF, governorate=NINEWA, district="IQG15Q05"
        ),
        "ninewa_q1": FigureQuery(
            definition="people", as_of=dt.date(2018, 3, 31), governorate=NINEWA
        ),
        "project": FigureQuery(definition="people", as_of=AS_OF, project=national.pk),
    }
    answers = figures(asked.values())
    found = {name: answers[query].cumulative for name, query in asked.items()}
    assert found == {
        "all": 15,
        "kirkuk": 7,
        "ninewa": 8,
        "mosul": 8,
        "ninewa_q1": 5,
        "project": 15,
    }


def test_an_incremental_run_moves_a_record_between_governorates(national):
    recompute_full()
    moved = national.assistance.get(governorate=governorate(KIRKUK))
    before = assistance_scope([moved])
    moved.place_set(governorate(ERBIL))
    moved.save()
    recompute_incremental(before.merge(assistance_scope([moved])))
    assert not value("people", governorate=governorate(KIRKUK))  # none left there
    assert value("people", governorate=governorate(ERBIL)) == 7
    incremental = table()
    recompute_full()
    assert table() == incremental


def test_a_multi_place_project_counts_in_each_place_it_covers():
    define("people", source="assistance", measure="people")
    multi = project(coverage=[governorate(KIRKUK), district("IQG15Q05")])
    delivered(multi, KIRKUK, 4)
    delivered(multi, "IQG15Q05N01", 6)
    recompute_full()
    assert value("people", governorate=governorate(KIRKUK)) == 4
    assert value("people", governorate=governorate(NINEWA)) == 6
    assert value("people") == 10


def test_the_api_filters_records_and_visits_by_their_own_place(national):
    admin = user_with_role("admin")
    MonitoringVisitFactory(project=national, governorate=governorate(KIRKUK), status="approved")
    client = APIClient()
    client.force_authenticate(admin)
    rows = client.get("/api/v1/assistance-records/", {"governorate": NINEWA}).json()["results"]
    assert sorted(r["place"] for r in rows) == ["IQG15Q05", "IQG15Q05N01"]
    assert {r["governorate"] for r in rows} == {NINEWA}
    rows = client.get("/api/v1/assistance-records/", {"district": "IQG15Q05"}).json()["results"]
    assert len(rows) == 2
    visits = client.get("/api/v1/visits/", {"governorate": KIRKUK}).json()["results"]
    assert [(v["place"], v["governorate"]) for v in visits] == [(KIRKUK, KIRKUK)]
    assert client.get("/api/v1/visits/", {"governorate": NINEWA}).json()["results"] == []
    project_row = client.get(f"/api/v1/projects/{national.pk}/").json()
    assert (project_row["national"], project_row["coverage"]) == (True, [])
    assert project_row["governorate"] is None


def test_the_export_names_and_filters_each_records_own_place(client, national):
    admin = user_with_role("admin")
    rows = download(client, admin, "assistance-records", governorate=NINEWA)
    assert sorted(column(rows, "adm2_code")) == ["IQG15Q05", "IQG15Q05"]
    assert sorted(column(rows, "adm3_code")) == ["", "IQG15Q05N01"]
    rows = download(client, admin, "assistance-records")
    assert sorted(column(rows, "adm1_code")) == [KIRKUK, NINEWA, NINEWA]


def test_staff_see_the_national_projects_work_in_their_governorates(national):
    kirkuk_visit = MonitoringVisitFactory(
        project=national, governorate=governorate(KIRKUK), status="submitted"
    )
    MonitoringVisitFactory(project=national, governorate=governorate(NINEWA), status="submitted")
    manager = user_with_role("manager", governorates=[governorate(KIRKUK)])
    assert list(visits_for_user(manager)) == [kirkuk_visit]
    assert [r.people for r in assistance_for_user(manager)] == [7]
    monitor = user_with_role("monitor", governorates=[governorate(NINEWA)])
    MonitoringVisitFactory(project=national, monitor=monitor, governorate=governorate(KIRKUK))
    mine = MonitoringVisitFactory(
        project=national, monitor=monitor, governorate=governorate(NINEWA)
    )
    assert list(visits_for_user(monitor)) == [mine]
    # Another programme's manager with no governorate sees none of it.
    outsider = user_with_role("manager", programmes=[ProgrammeFactory()])
    assert not visits_for_user(outsider).exists()
    assert not assistance_for_user(outsider).exists()


def test_the_mission_map_shows_a_national_projects_people_where_they_were_reached():
    define("people-reached", source="assistance", measure="people")
    nat = project(national=True)
    delivered(nat, KIRKUK, 7)
    delivered(nat, "IQG15Q05N01", 5)
    recompute_full()
    data = mission_dashboard(
        user=user_with_role("admin"), query=DashboardQuery(as_of=dt.date(2018, 3, 31))
    )
    people = {a["pcode"]: a["series"]["people"]["value"] for a in data["areas"]}
    assert (people[KIRKUK], people[NINEWA], people[ERBIL]) == (7, 5, 0)


def test_a_project_counts_once_in_each_governorate_it_covers_and_once_in_all():
    define("projects", source="projects", measure="records")
    define("budget", source="projects", measure="usd")
    multi = project(coverage=[governorate(KIRKUK), district("IQG15Q05"), district("IQG15Q01")])
    nat = project(national=True, code="NAT-2")
    recompute_full()
    for code, each in (("projects", 1), ("budget", 1000)):
        assert value(code) == 2 * each  # the multi-place project once, the national one once
        assert value(code, governorate=governorate(KIRKUK)) == each
        assert value(code, governorate=governorate(NINEWA)) == each  # two districts, once
        assert value(code, governorate=governorate(NINEWA), programme=multi.programme) == each
        assert value(code, governorate=governorate(ERBIL)) is None
        assert value(code, programme=nat.programme) == each  # national: all governorates only
        assert value(code, governorate=governorate(KIRKUK), programme=nat.programme) is None
    asked = {
        "all": FigureQuery(definition="projects", as_of=AS_OF),
        "ninewa": FigureQuery(definition="projects", as_of=AS_OF, governorate=NINEWA),
        "mosul": FigureQuery(definition="projects", as_of=AS_OF, district="IQG15Q05"),
        "hawija": FigureQuery(definition="projects", as_of=AS_OF, district="IQG13Q01"),
        "ninewa-mid-month": FigureQuery(
            definition="projects", as_of=dt.date(2017, 3, 15), governorate=NINEWA
        ),
        "all-mid-month": FigureQuery(definition="projects", as_of=dt.date(2017, 3, 15)),
        "project": FigureQuery(definition="budget", as_of=AS_OF, project=multi.pk),
    }
    answers = figures(asked.values())
    found = {name: answers[query].cumulative for name, query in asked.items()}
    # Kirkuk is covered whole: none of its districts is named.
    assert found == {
        "all": 2,
        "ninewa": 1,
        "mosul": 1,
        "hawija": 0,
        "ninewa-mid-month": 1,
        "all-mid-month": 2,
        "project": 1000,
    }
