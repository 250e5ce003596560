"""The mission overview, governorate and programme dashboards, for each role:
what each user sees, that the figures are the derived table's, and what it
costs."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary
from indicators.engine import recompute_full
from indicators.models import IndicatorDefinition, IndicatorValue
from indicators.selectors import default_as_of, value_as_of
from programmes.models import Contribution
from tests.factories import (
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    governorate,
    user_with_role,
)
from tests.indicators.conftest import define, record

pytestmark = pytest.mark.django_db

Q1_END, Q2_END = dt.date(2018, 3, 31), dt.date(2018, 6, 30)
MISSION = reverse("indicators:mission")
# Session, user, profile, the user's scope and the dashboard's own reads: a
# page must not grow with the number of governorates, programmes or rows. The
# programme page reads one more: the sum of its projects' budgets.
MAX_QUERIES = 13


def governorate_url(pcode: str) -> str:
    return reverse("indicators:governorate", args=[pcode])


def programme_url(code: str) -> str:
    return reverse("indicators:programme", args=[code])


@pytest.fixture
def portfolio(db):
    """Two programmes, each funded by one donor: CRP (USA) in Kirkuk and
    Anbar, RRP (Canada) in Ninewa; assistance in Q1 and Q2 2018."""
    definitions = {
        "people-reached": define(
            "people-reached", source="assistance", measure="people", apply_multiplier=True
        ),
        "direct-recipients": define("direct-recipients", source="assistance", measure="people"),
        "projects": define("projects", source="projects", measure="records"),
        "projects-completed": define(
            "projects-completed",
            source="projects",
            measure="records",
            project_statuses=["completed"],
        ),
        "projects-ongoing": define(
            "projects-ongoing", source="projects", measure="records", project_statuses=["ongoing"]
        ),
        "contributions-usd": define("contributions-usd", source="contributions", measure="usd"),
    }
    usa, canada = DonorFactory(name="USA", code="USA"), DonorFactory(name="Canada", code="CAN")
    crp = ProgrammeFactory(code="CRP", name="Community Revitalization Programme")
    rrp = ProgrammeFactory(code="RRP", name="Rapid Recovery Programme")
    kirkuk, anbar, ninewa = governorate("IQG13"), governorate("IQG01"), governorate("IQG15")
    kirkuk_project = ProjectFactory(
        code="CRP-KRK-1", programme=crp, governorate=kirkuk, donor=usa, status="ongoing"
    )
    anbar_project = ProjectFactory(
        code="CRP-ANB-1", programme=crp, governorate=anbar, donor=usa, status="completed"
    )
    ninewa_project = ProjectFactory(
        code="RRP-NIN-1", programme=rrp, governorate=ninewa, donor=canada, status="completed"
    )
    record(
        kirkuk_project,
        on=dt.date(2018, 2, 15),
        households=10,
        people=12,
        recipients={("f", "18-59", "idp"): 7, ("m", "18-59", "idp"): 5},
    )
    record(
        kirkuk_project,
        on=dt.date(2018, 5, 10),
        households=20,
        people=20,
        recipients={("f", "18-59", "host"): 10, ("m", "18-59", "host"): 10},
    )
    # A small cell: three people in Anbar.
    record(
        anbar_project,
        on=dt.date(2018, 4, 3),
        households=1,
        people=3,
        size=3,
        recipients={("f", "18-59", "returnee"): 3},
    )
    record(
        ninewa_project,
        on=dt.date(2018, 2, 20),
        households=30,
        people=30,
        recipients={("f", "18-59", "refugee"): 16, ("m", "18-59", "refugee"): 14},
    )
    for donor, programme, amount in ((usa, crp, "700000"), (canada, rrp, "300000")):
        Contribution.objects.create(
            donor=donor,
            programme=programme,
            amount_usd=Decimal(amount),
            date=dt.date(2018, 1, 10),
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 12, 31),
        )
    recompute_full()
    return {
        "definitions": definitions,
        "usa": usa,
        "canada": canada,
        "crp": crp,
        "rrp": rrp,
        "kirkuk": kirkuk,
        "anbar": anbar,
        "ninewa": ninewa,
    }


def login(client, user):
    client.force_login(user)
    return client


def stored(portfolio, code, *, as_of=Q2_END, **cut) -> Decimal | None:
    row = value_as_of(definition=portfolio["definitions"][code], as_of=as_of, **cut)
    return row.value if row else None


def headline(response, code: str) -> dict:
    return next(h for h in response.context["data"]["headlines"] if h["code"] == code)


def page_json(response) -> dict:
    """The chart data the page hands to dashboard.js, read from its json_script."""
    html = response.content.decode()
    start = html.index('<script id="dashboard-data" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


class TestAccess:
    def test_a_user_without_a_role_is_told_to_ask_an_administrator(self, client, portfolio):
        response = login(client, UserFactory()).get(MISSION)
        assert response.status_code == 403
        assert "Ask an administrator" in response.content.decode()
        assert "Community Revitalization" not in response.content.decode()

    def test_anonymous_users_are_sent_to_the_login_page(self, client, portfolio):
        response = client.get(MISSION)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_the_navigation_links_to_the_dashboard_for_users_with_a_role(self, client, portfolio):
        response = login(client, user_with_role("manager", programmes=[portfolio["crp"]])).get("/")
        assert f'href="{MISSION}"' in response.content.decode()
        client.logout()
        response = login(client, UserFactory()).get("/")
        assert f'href="{MISSION}"' not in response.content.decode()


class TestMissionOverview:
    def test_admin_sees_the_whole_mission_as_stored(self, client, portfolio):
        admin = user_with_role("admin")
        response = login(client, admin).get(MISSION, {"as_of": "2018-06-30"})
        assert response.status_code == 200
        people = headline(response, "people-reached")
        # 10 + 20 households × 6, 1 household of 3, 30 households × 6.
        assert people["value"] == float(stored(portfolio, "people-reached")) == 363
        assert people["display"] == "363" and people["as_of"] == Q2_END
        assert people["starred"] and people["multiplier"] == 6
        assert headline(response, "direct-recipients")["value"] == 65
        html = response.content.decode()
        assert "× 6, average household size in Iraq" in html
        assert "as of 30 Jun 2018" in html
        assert "Figures last computed at" in html

    def test_figures_are_as_of_the_last_complete_quarter_by_default(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(MISSION)
        today = timezone.localdate()
        last_quarter_end = default_as_of(today)
        assert last_quarter_end < today and last_quarter_end.month in (3, 6, 9, 12)
        people = headline(response, "people-reached")
        assert people["as_of"] == last_quarter_end
        assert people["value"] == float(stored(portfolio, "people-reached", as_of=last_quarter_end))
        assert response.context["data"]["as_of_options"][1] == last_quarter_end

    def test_the_map_is_keyed_by_p_code_for_all_18_governorates(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(MISSION)
        areas = page_json(response)["areas"]
        assert [a["pcode"] for a in areas] == [f"IQG{i:02d}" for i in range(1, 19)]
        by_pcode = {a["pcode"]: a for a in areas}
        for key in ("kirkuk", "anbar", "ninewa"):
            g = portfolio[key]
            assert by_pcode[g.pcode]["value"] == float(
                stored(portfolio, "people-reached", governorate=g)
            )
            assert by_pcode[g.pcode]["name"] == g.name_iom
        assert by_pcode["IQG07"]["value"] == 0

    def test_contributions_show_each_donors_share_and_amount(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(MISSION)
        donut = {c["name"]: c for c in page_json(response)["contributions"]}
        assert donut["USA"]["share"] == pytest.approx(70.0)
        assert donut["USA"]["display"] == "US$ 700,000"
        assert donut["Canada"]["value"] == float(
            stored(portfolio, "contributions-usd", donor=portfolio["canada"])
        )

    def test_people_reached_per_quarter_and_cumulatively(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(MISSION)
        series = page_json(response)["series"]
        assert [s["quarter"] for s in series] == ["2018-03-31", "2018-06-30"]
        assert [s["per_quarter"]["value"] for s in series] == [240, 123]
        assert series[-1]["cumulative"]["value"] == float(stored(portfolio, "people-reached"))

    def test_gender_population_groups_and_projects_by_status(self, client, portfolio):
        data = login(client, user_with_role("admin")).get(MISSION).context["data"]
        row = value_as_of(definition=portfolio["definitions"]["direct-recipients"], as_of=Q2_END)
        sex = {c["code"]: c["value"] for c in data["splits"]["sex"]["categories"]}
        assert sex == {"f": row.sex_f, "m": row.sex_m} == {"f": 36, "m": 29}
        groups = {c["code"]: c["value"] for c in data["splits"]["population_group"]["categories"]}
        assert groups == {"idp": 12, "returnee": 3, "host": 20, "refugee": 30}
        status = {c["code"]: c["value"] for c in data["projects_by_status"]}
        assert status == {"completed": 2, "ongoing": 1, "other": 0}

    def test_filters_in_the_url_change_the_figures(self, client, portfolio):
        login(client, user_with_role("admin"))
        by_programme = client.get(MISSION, {"programme": "RRP"})
        assert (
            headline(by_programme, "people-reached")["value"]
            == float(stored(portfolio, "people-reached", programme=portfolio["rrp"]))
            == 180
        )
        as_of_q1 = client.get(MISSION, {"as_of": "2018-03-31"})
        assert (
            headline(as_of_q1, "people-reached")["value"]
            == float(stored(portfolio, "people-reached", as_of=Q1_END))
            == 240
        )
        assert headline(as_of_q1, "people-reached")["as_of"] == Q1_END
        by_governorate = client.get(MISSION, {"governorate": "IQG13"})
        assert headline(by_governorate, "people-reached")["value"] == 180
        assert by_governorate.context["data"]["contributions"] == []
        assert "not per governorate" in by_governorate.content.decode()
        by_donor = client.get(MISSION, {"donor": "USA", "as_of": "2018-06-30"})
        assert headline(by_donor, "people-reached")["value"] == float(
            stored(portfolio, "people-reached", donor=portfolio["usa"])
        )

    def test_a_bad_filter_is_ignored_and_said_so(self, client, portfolio):
        login(client, user_with_role("admin"))
        response = client.get(MISSION, {"as_of": "2018-05-17", "programme": "NOPE"})
        assert set(response.context["data"]["ignored"]) == {"as_of", "programme"}
        assert headline(response, "people-reached")["value"] == 363
        assert "are ignored" in response.content.decode()

    def test_an_empty_mission_says_what_to_do(self, client, db):
        response = login(client, user_with_role("admin")).get(MISSION)
        assert response.status_code == 200
        assert "No figures for this selection yet" in response.content.decode()


class TestManager:
    def test_a_manager_sees_their_programmes_figures(self, client, portfolio):
        manager = user_with_role("manager", programmes=[portfolio["crp"]])
        response = login(client, manager).get(MISSION)
        assert headline(response, "people-reached")["value"] == float(
            stored(portfolio, "people-reached", programme=portfolio["crp"])
        )
        programmes = response.context["data"]["choices"]["programmes"]
        assert programmes == [portfolio["crp"]]
        areas = {a["pcode"]: a["value"] for a in page_json(response)["areas"]}
        assert areas["IQG15"] == 0  # Ninewa is RRP's only

    def test_a_governorate_manager_sees_all_programmes_there_and_no_more(self, client, portfolio):
        manager = user_with_role("manager", governorates=[portfolio["ninewa"]])
        response = login(client, manager).get(MISSION)
        assert headline(response, "people-reached")["value"] == 180
        assert "Community Revitalization" not in response.content.decode()

    def test_a_manager_out_of_scope_sees_nothing_of_others(self, client, portfolio):
        other = ProgrammeFactory(code="SIP", name="Special Impact Project")
        manager = user_with_role("manager", programmes=[other])
        response = login(client, manager).get(MISSION, {"programme": "CRP"})
        html = response.content.decode()
        assert not response.context["data"]["has_data"]
        assert "Community Revitalization" not in html
        assert all(a["value"] == 0 for a in page_json(response)["areas"])
        assert response.context["data"]["contributions"] == []


class TestDonor:
    def test_a_donor_sees_only_the_programmes_they_fund(self, client, portfolio):
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(MISSION)
        html = response.content.decode()
        assert response.context["data"]["choices"]["programmes"] == [portfolio["crp"]]
        assert "Rapid Recovery" not in html and "Canada" not in html
        assert headline(response, "people-reached")["value"] == float(
            stored(portfolio, "people-reached", donor=portfolio["usa"])
        )
        donut = page_json(response)["contributions"]
        assert [c["name"] for c in donut] == ["Community Revitalization Programme"]

    def test_a_donor_cannot_widen_their_view_through_the_url(self, client, portfolio):
        donor = user_with_role("donor", donor=portfolio["usa"])
        login(client, donor)
        response = client.get(MISSION, {"programme": "RRP", "donor": "CAN"})
        assert set(response.context["data"]["ignored"]) == {"programme", "donor"}
        assert headline(response, "people-reached")["value"] == 183
        assert "Rapid Recovery" not in response.content.decode()
        ninewa = client.get(governorate_url("IQG15"))
        assert ninewa.status_code == 200
        assert not ninewa.context["data"]["has_data"]
        assert "RRP-NIN-1" not in ninewa.content.decode()

    def test_a_donor_funding_nothing_sees_no_programme(self, client, portfolio):
        donor = user_with_role("donor", donor=DonorFactory(name="Sweden", code="SWE"))
        response = login(client, donor).get(MISSION)
        html = response.content.decode()
        assert response.context["data"]["choices"]["programmes"] == []
        assert "Community Revitalization" not in html and "Rapid Recovery" not in html
        assert not response.context["data"]["has_data"]
        assert "No figures for this selection yet" in html

    def test_small_counts_are_hidden_from_donors(self, client, portfolio):
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(governorate_url("IQG01"))
        data = response.context["data"]
        assert headline(response, "people-reached")["display"] == "<5"
        assert headline(response, "people-reached")["value"] is None
        assert headline(response, "direct-recipients")["display"] == "<5"
        sex = {c["code"]: c["display"] for c in data["splits"]["sex"]["categories"]}
        assert sex == {"f": "<5", "m": "0"}
        areas = {a["pcode"]: a for a in page_json(response)["areas"]}
        assert areas["IQG01"]["display"] == "<5" and areas["IQG01"]["value"] is None
        # Kirkuk is hidden too, or the mission total minus Kirkuk would give Anbar away.
        assert areas["IQG13"]["value"] is None
        assert ">3<" not in response.content.decode()

    def test_staff_see_the_small_counts(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(governorate_url("IQG01"))
        assert headline(response, "people-reached")["display"] == "3"


class TestGovernorateDashboard:
    def test_the_figures_are_cut_by_the_governorate(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(governorate_url("IQG13"))
        assert response.status_code == 200
        assert headline(response, "people-reached")["value"] == float(
            stored(portfolio, "people-reached", governorate=portfolio["kirkuk"])
        )
        assert headline(response, "direct-recipients")["value"] == 32
        selected = [a["pcode"] for a in page_json(response)["areas"] if a["selected"]]
        assert selected == ["IQG13"]
        codes = [h["code"] for h in response.context["data"]["headlines"]]
        assert "contributions-usd" not in codes  # recorded per programme only

    def test_it_lists_the_projects_there_with_their_status(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(governorate_url("IQG13"))
        html = response.content.decode()
        assert [p.code for p in response.context["data"]["projects"]] == ["CRP-KRK-1"]
        assert "Ongoing" in html and "RRP-NIN-1" not in html

    def test_a_manager_sees_only_their_projects_in_a_governorate(self, client, portfolio):
        rrp_kirkuk = ProjectFactory(
            code="RRP-KRK-9", programme=portfolio["rrp"], governorate=portfolio["kirkuk"]
        )
        manager = user_with_role("manager", programmes=[portfolio["crp"]])
        response = login(client, manager).get(governorate_url("IQG13"))
        codes = [p.code for p in response.context["data"]["projects"]]
        assert codes == ["CRP-KRK-1"] and rrp_kirkuk.code not in response.content.decode()

    def test_an_unknown_p_code_is_not_found(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(governorate_url("IQG99"))
        assert response.status_code == 404


class TestProgrammeDashboard:
    def test_the_figures_are_cut_by_the_programme(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(
            programme_url("CRP"), {"as_of": "2018-06-30"}
        )
        assert response.status_code == 200
        assert headline(response, "people-reached")["value"] == float(
            stored(portfolio, "people-reached", programme=portfolio["crp"])
        )
        areas = {a["pcode"]: a["value"] for a in page_json(response)["areas"]}
        assert areas["IQG13"] == 180 and areas["IQG01"] == 3 and areas["IQG15"] == 0
        status = {c["code"]: c["value"] for c in response.context["data"]["projects_by_status"]}
        assert status == {"completed": 1, "ongoing": 1, "other": 0}
        html = response.content.decode()
        assert "Community Revitalization Programme" in html and "RRP-NIN-1" not in html

    def test_its_donors_and_its_budget_against_its_contributions(self, client, portfolio):
        # A second donor to CRP, and a project not started by the as-of date.
        germany = DonorFactory(name="Germany", code="DEU")
        Contribution.objects.create(
            donor=germany,
            programme=portfolio["crp"],
            amount_usd=Decimal("100000"),
            date=dt.date(2018, 2, 1),
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 12, 31),
        )
        ProjectFactory(programme=portfolio["crp"], start_date=dt.date(2019, 1, 1))
        recompute_full()
        response = login(client, user_with_role("admin")).get(
            programme_url("CRP"), {"as_of": "2018-06-30"}
        )
        donut = {c["name"]: c for c in page_json(response)["contributions"]}
        assert set(donut) == {"USA", "Germany"}
        assert donut["USA"]["display"] == "US$ 700,000"
        assert donut["USA"]["share"] == pytest.approx(87.5)
        budget = response.context["data"]["budget"]
        # Two CRP projects of US$ 100,000 each started by then.
        assert budget["budget"]["display"] == "US$ 200,000"
        assert budget["contributions"]["display"] == "US$ 800,000"
        assert budget["projects"]["value"] == 2
        assert budget["covered"] == pytest.approx(400.0)
        html = response.content.decode()
        assert "Budget of the projects (2)" in html and "400%" in html

    def test_the_governorate_filter_leaves_contributions_out(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(
            programme_url("CRP"), {"governorate": "IQG13"}
        )
        data = response.context["data"]
        assert headline(response, "people-reached")["value"] == 180
        assert data["contributions"] == [] and data["budget"]["contributions"]["value"] is None
        assert data["budget"]["budget"]["display"] == "US$ 100,000"
        assert "clear the governorate filter to compare" in response.content.decode()

    def test_a_map_click_keeps_the_programme(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(
            programme_url("CRP"), {"as_of": "2018-06-30", "governorate": "IQG13"}
        )
        query = page_json(response)["query"]
        assert "programme=CRP" in query and "as_of=2018-06-30" in query
        assert "governorate" not in query

    def test_the_mission_page_links_to_each_programme_page(self, client, portfolio):
        login(client, user_with_role("admin"))
        html = client.get(MISSION).content.decode()
        assert f'href="{programme_url("CRP")}"' in html
        assert f'href="{programme_url("RRP")}"' in html
        chosen = client.get(MISSION, {"programme": "RRP", "as_of": "2018-06-30"})
        assert f'href="{programme_url("RRP")}?as_of=2018-06-30"' in chosen.content.decode()

    def test_a_manager_cannot_open_a_programme_out_of_scope(self, client, portfolio):
        manager = user_with_role("manager", programmes=[portfolio["crp"]])
        login(client, manager)
        assert client.get(programme_url("CRP")).status_code == 200
        assert client.get(programme_url("RRP")).status_code == 404

    def test_an_unknown_programme_is_not_found(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(programme_url("NOPE"))
        assert response.status_code == 404


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
            ("admin", MISSION, MAX_QUERIES),
            ("manager", MISSION, MAX_QUERIES),
            ("donor", MISSION, MAX_QUERIES),
            ("admin", governorate_url("IQG13"), MAX_QUERIES),
            ("manager", governorate_url("IQG13"), MAX_QUERIES),
            ("donor", governorate_url("IQG13"), MAX_QUERIES),
            ("admin", programme_url("CRP"), MAX_QUERIES + 1),
            ("manager", programme_url("CRP"), MAX_QUERIES + 1),
            ("donor", programme_url("CRP"), MAX_QUERIES + 1),
        ],
    )
    def test_each_page_reads_a_fixed_number_of_queries(
        self, client, portfolio, django_assert_max_num_queries, role, url, limit
    ):
        scope = {
            "admin": {},
            "manager": {"programmes": [portfolio["crp"]], "governorates": [portfolio["ninewa"]]},
            "donor": {"donor": portfolio["usa"]},
        }[role]
        login(client, user_with_role(role, **scope))
        # More rows in the table must not mean more queries.
        for i in range(5):
            ProjectFactory(programme=ProgrammeFactory(), governorate=governorate(f"IQG{i + 2:02d}"))
        recompute_full()
        with django_assert_max_num_queries(limit):
            response = client.get(url, {"as_of": "2018-06-30"})
        assert response.status_code == 200


def test_the_boundaries_are_served_for_the_map(client, portfolio):
    login(client, user_with_role("admin"))
    response = client.get(reverse("indicators:governorates_geojson"))
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
