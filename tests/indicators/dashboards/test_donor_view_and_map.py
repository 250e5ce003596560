"""The programme page as a donor sees it, what each page costs in queries,
the figures against the stored rows, and the map's series."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from beneficiaries.models import (
    Beneficiary,
    Photo,
    Referral,
)
from indicators.engine import recompute_full
from indicators.models import IndicatorDefinition, IndicatorValue
from programmes.models import Contribution, Project
from tests.factories import (
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    governorate,
    user_with_role,
)
from tests.indicators.conftest import record
from tests.indicators.dashboards.helpers import (
    MAX_QUERIES,
    MAX_QUERIES_CACHED,
    MAX_QUERIES_GOVERNORATE,
    MISSION,
    Q2_END,
    feedback,
    field_visit,
    governorate_url,
    headline,
    login,
    page_json,
    programme_url,
    stored,
)

pytestmark = pytest.mark.django_db


class TestDonorView:
    """What a donor user sees: the mission page is their dashboard."""

    @pytest.fixture
    def donor(self, portfolio):
        return user_with_role("donor", donor=portfolio["usa"])

    def test_a_donor_never_sees_a_programme_they_do_not_fund(self, client, portfolio, donor):
        login(client, donor)
        assert client.get(programme_url("RRP")).status_code == 404
        response = client.get(programme_url("CRP"), {"as_of": "2018-06-30"})
        assert response.status_code == 200
        assert headline(response, "people-reached")["value"] == float(
            stored(portfolio, "people-reached", programme=portfolio["crp"], donor=portfolio["usa"])
        )
        donut = page_json(response)["contributions"]
        assert [c["name"] for c in donut] == ["Community Revitalization Programme"]
        mission = client.get(MISSION).content.decode()
        assert f'href="{programme_url("CRP")}"' in mission
        assert programme_url("RRP") not in mission and "Rapid Recovery" not in mission

    def test_a_donor_sees_only_their_own_contribution_to_a_shared_programme(
        self, client, portfolio, donor
    ):
        Contribution.objects.create(
            donor=portfolio["canada"],
            programme=portfolio["crp"],
            amount=Decimal("50000"),
            amount_usd=Decimal("50000"),
            date=dt.date(2018, 1, 20),
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 12, 31),
        )
        recompute_full()
        response = login(client, donor).get(programme_url("CRP"), {"as_of": "2018-06-30"})
        html = response.content.decode()
        assert "Canada" not in html and "50,000" not in html
        assert response.context["data"]["budget"]["contributions"]["display"] == "US$ 700,000"

    def test_a_donor_never_sees_a_beneficiary_name_or_phone(self, client, portfolio, donor):
        person = Beneficiary.objects.create(
            full_name="Layla Hassan Jabbar",
            phone="+964 770 123 4567",
            sex="f",
            age_group="18-59",
            population_group="idp",
            governorate=portfolio["kirkuk"],
        )
        project = ProjectFactory(
            programme=portfolio["crp"], governorate=portfolio["kirkuk"], donor=portfolio["usa"]
        )
        rec = record(project, on=dt.date(2018, 3, 1), recipients={("f", "18-59", "idp"): 1})
        rec.beneficiary = person
        rec.save()
        recompute_full()
        login(client, donor)
        for url in (MISSION, governorate_url("IQG13"), programme_url("CRP")):
            for params in ({}, {"as_of": "2018-06-30"}):
                response = client.get(url, params)
                assert response.status_code == 200, url
                html = response.content.decode()
                assert "Layla" not in html and "770 123" not in html, url
                assert "+964" not in html, url

    def test_small_counts_on_the_programme_page_show_as_below_five(self, client, portfolio, donor):
        response = login(client, donor).get(
            programme_url("CRP"), {"governorate": "IQG01", "as_of": "2018-06-30"}
        )
        assert headline(response, "people-reached")["display"] == "<5"
        assert response.context["data"]["budget"]["projects"]["display"] == "<5"
        assert ">3<" not in response.content.decode()


class TestQueryCounts:
    @pytest.mark.parametrize(
        "role, url, limit",
        [
            (role, url, limit)
            for role in ("admin", "manager", "monitor", "donor")
            for url, limit in (
                (MISSION, MAX_QUERIES),
                (governorate_url("IQG13"), MAX_QUERIES_GOVERNORATE),
                (programme_url("CRP"), MAX_QUERIES + 1),  # + its targets
            )
        ],
    )
    def test_each_page_reads_a_fixed_number_of_queries(
        self, client, portfolio, django_assert_max_num_queries, role, url, limit
    ):
        scope = {
            "admin": {},
            "manager": {"programmes": [portfolio["crp"]], "governorates": [portfolio["ninewa"]]},
            "monitor": {"governorates": [portfolio["kirkuk"], portfolio["anbar"]]},
            "donor": {"donor": portfolio["usa"]},
        }[role]
        user = user_with_role(role, **scope)
        login(client, user)
        # More rows in the tables must not mean more queries.
        for i in range(5):
            ProjectFactory(programme=ProgrammeFactory(), governorate=governorate(f"IQG{i + 2:02d}"))
        kirkuk_project = Project.objects.get(code="CRP-KRK-1")
        for i in range(3):
            monitor = user if role == "monitor" else UserFactory()
            visit = field_visit(kirkuk_project, on=dt.date(2018, 4, i + 1), monitor=monitor)
            Photo.objects.create(visit=visit, image=f"photos/{i}.jpg", caption="A", credit="B")
            Referral.objects.create(visit=visit, issue="Broken pump", referred_to="Water office")
            feedback(kirkuk_project, on=dt.date(2018, 4, 2), answers={"satisfaction": "5"})
        recompute_full()
        with django_assert_max_num_queries(limit):
            response = client.get(url, {"as_of": "2018-06-30"})
        assert response.status_code == 200
        with django_assert_max_num_queries(MAX_QUERIES_CACHED):
            again = client.get(url, {"as_of": "2018-06-30"})
        assert again.templates == []  # served whole (programmes.kept_pages)
        assert page_json(again) == page_json(response)


def test_the_boundaries_are_served_for_the_map(client, portfolio):
    login(client, user_with_role("admin"))
    response = client.get(reverse("dashboards:governorates_geojson"))
    assert response.status_code == 200
    features = json.loads(b"".join(response.streaming_content))["features"]
    assert sorted(f["properties"]["pcode"] for f in features) == [
        f"IQG{i:02d}" for i in range(1, 19)
    ]


def test_the_page_figures_equal_the_stored_rows_for_every_headline(client, portfolio):
    response = login(client, user_with_role("admin")).get(MISSION)
    for h in response.context["data"]["headlines"]:
        definition = IndicatorDefinition.objects.get(code=h["code"])
        row = IndicatorValue.objects.filter(
            definition=definition,
            period_type="cumulative",
            governorate=None,
            programme=None,
            donor=None,
            period_end__lte=Q2_END,
        ).latest("period_end")
        assert h["value"] == float(row.value), h["code"]


ALL_PCODES = [f"IQG{i:02d}" for i in range(1, 19)]


class TestMapSeries:
    """The map shows people reached, projects or US$, each keyed by P-code."""

    def test_three_series_keyed_by_p_code_for_all_18(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(MISSION, {"as_of": "2018-06-30"})
        data = page_json(response)
        assert [a["pcode"] for a in data["areas"]] == ALL_PCODES
        assert [s["code"] for s in data["map_series"]] == ["people", "projects", "usd"]
        assert data["map"] == "people"
        by_pcode = {a["pcode"]: a["series"] for a in data["areas"]}
        for pcode, series in by_pcode.items():
            assert set(series) == {"people", "projects", "usd"}, pcode
        kirkuk = portfolio["kirkuk"]
        assert by_pcode["IQG13"]["people"]["value"] == float(
            stored(portfolio, "people-reached", governorate=kirkuk)
        )
        assert by_pcode["IQG13"]["projects"]["value"] == float(
            stored(portfolio, "projects", governorate=kirkuk)
        )
        # One project of US$ 100,000 in each of the three governorates.
        assert by_pcode["IQG13"]["usd"] == {
            "value": 100000.0,
            "display": "US$ 100,000",
            "suppressed": False,
        }
        assert by_pcode["IQG07"]["projects"]["value"] == 0
        assert by_pcode["IQG07"]["usd"]["value"] == 0

    def test_the_us_dollar_series_counts_projects_started_by_the_as_of_date(
        self, client, portfolio
    ):
        ProjectFactory(
            programme=portfolio["crp"],
            governorate=portfolio["kirkuk"],
            start_date=dt.date(2019, 1, 1),
            budget_usd=Decimal("5000"),
        )
        ProjectFactory(
            programme=portfolio["crp"],
            governorate=portfolio["kirkuk"],
            start_date=dt.date(2018, 5, 1),
            budget_usd=Decimal("2500"),
        )
        login(client, user_with_role("admin"))
        areas = page_json(client.get(MISSION, {"as_of": "2018-06-30"}))["areas"]
        kirkuk = next(a for a in areas if a["pcode"] == "IQG13")
        assert kirkuk["series"]["usd"]["value"] == 102500
        areas = page_json(client.get(MISSION, {"as_of": "2018-03-31"}))["areas"]
        kirkuk = next(a for a in areas if a["pcode"] == "IQG13")
        assert kirkuk["series"]["usd"]["value"] == 100000

    def test_the_chosen_series_lives_in_the_url(self, client, portfolio):
        login(client, user_with_role("admin"))
        response = client.get(MISSION, {"map": "projects", "as_of": "2018-06-30"})
        assert page_json(response)["map"] == "projects"
        html = response.content.decode()
        # The toggle's links keep the other filters; the filter form keeps the map.
        assert 'data-map="usd" href="?as_of=2018-06-30&amp;map=usd"' in html
        assert 'data-map="people" href="?as_of=2018-06-30"' in html
        assert 'name="map" value="projects" id="map-input">' in html
        bad = client.get(MISSION, {"map": "nope"})
        assert page_json(bad)["map"] == "people"
        assert "map" in bad.context["data"]["ignored"]

    def test_a_manager_sees_only_their_projects_budgets(self, client, portfolio):
        manager = user_with_role("manager", programmes=[portfolio["rrp"]])
        areas = page_json(login(client, manager).get(MISSION, {"as_of": "2018-06-30"}))["areas"]
        usd = {a["pcode"]: a["series"]["usd"]["value"] for a in areas}
        assert usd["IQG15"] == 100000 and usd["IQG13"] == 0 and usd["IQG01"] == 0

    def test_a_donor_sees_small_project_counts_as_below_five(self, client, portfolio):
        donor = user_with_role("donor", donor=portfolio["usa"])
        areas = page_json(login(client, donor).get(MISSION, {"as_of": "2018-06-30"}))["areas"]
        projects = {a["pcode"]: a["series"]["projects"] for a in areas}
        assert projects["IQG13"]["display"] == "<5" and projects["IQG13"]["value"] is None
        assert projects["IQG15"]["value"] == 0  # Canada's, not USA's
        assert ">3<" not in str(projects)
