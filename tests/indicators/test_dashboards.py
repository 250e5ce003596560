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

from beneficiaries.models import (
    Answer,
    Beneficiary,
    FeedbackResponse,
    MonitoringVisit,
    Photo,
    Question,
    Referral,
    Survey,
)
from indicators.engine import recompute_full
from indicators.models import IndicatorDefinition, IndicatorValue
from indicators.selectors import default_as_of, value_as_of
from programmes.models import Contribution, Project, Sector, UserProfile
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
AS_OF_Q2 = {"as_of": "2018-06-30"}
MISSION = reverse("dashboards:mission")
# Session, user, profile, the user's scope, the data stamp and the dashboard's
# own reads: a page must not grow with the number of governorates, programmes
# or rows. The governorate page reads its projects list, the feedback answers
# and the latest visits (with their photos and the open referrals) on top, and
# its districts and their projects (the people its districts reached, when a
# project names a district, are ``test_district_map``'s). Served again from
# the cache (tests/dashboards/test_cache.py), a page reads only the first five.
MAX_QUERIES = 14
MAX_QUERIES_GOVERNORATE = 18
MAX_QUERIES_CACHED = 5


def governorate_url(pcode: str) -> str:
    return reverse("dashboards:governorate", args=[pcode])


def programme_url(code: str) -> str:
    return reverse("dashboards:programme", args=[code])


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
            amount=Decimal(amount),
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


SATISFACTION = [
    ["5", "Very satisfied"],
    ["4", "Satisfied"],
    ["3", "Neutral"],
    ["2", "Dissatisfied"],
    ["1", "Very dissatisfied"],
]


def field_visit(project, *, on: dt.date, monitor=None, status="approved") -> MonitoringVisit:
    """A monitoring visit to ``project``."""
    return MonitoringVisit.objects.create(
        project=project, monitor=monitor or UserFactory(), visit_date=on, status=status
    )


def feedback(project, *, on: dt.date, answers: dict, status="approved") -> FeedbackResponse:
    """A feedback response to the demo-like survey, ``answers`` by question code."""
    survey, _ = Survey.objects.get_or_create(code="satisfaction", defaults={"title": "Feedback"})
    response = FeedbackResponse.objects.create(
        survey=survey, project=project, collected_on=on, status=status
    )
    for position, code in enumerate(sorted(answers)):
        question, _ = Question.objects.get_or_create(
            survey=survey,
            code=code,
            defaults={
                "text": f"How {code}?",
                "kind": "likert",
                "choices": SATISFACTION,
                "position": position,
            },
        )
        Answer.objects.create(response=response, question=question, value=answers[code])
    return response


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


class TestCardsAreData:
    """The dashboards pick their definitions by the places set on them, not by code."""

    def test_a_renamed_code_keeps_its_card_and_its_map(self, client, portfolio):
        people = portfolio["definitions"]["people-reached"]
        people.code = "beneficiaries-reached"
        people.save()
        admin = user_with_role("admin")
        response = login(client, admin).get(MISSION, {"as_of": "2018-06-30"})
        assert headline(response, "beneficiaries-reached")["value"] == 363
        codes = [h["code"] for h in response.context["data"]["headlines"]]
        assert codes.index("beneficiaries-reached") < codes.index("direct-recipients")
        assert response.context["data"]["map_name"] == people.name

    def test_a_card_leaves_when_its_definition_is_no_longer_a_headline(self, client, portfolio):
        IndicatorDefinition.objects.filter(code="direct-recipients").update(headline=False)
        admin = user_with_role("admin")
        response = login(client, admin).get(MISSION, {"as_of": "2018-06-30"})
        codes = [h["code"] for h in response.context["data"]["headlines"]]
        assert "direct-recipients" not in codes and "people-reached" in codes

    def test_a_card_without_data_for_the_page_is_hidden_not_zero(self, client, portfolio):
        define("monitoring-visits", source="visits", measure="records")
        recompute_full()
        admin = user_with_role("admin")
        response = login(client, admin).get(MISSION, {"as_of": "2018-06-30"})
        codes = [h["code"] for h in response.context["data"]["headlines"]]
        assert "monitoring-visits" not in codes
        assert "people-reached" in codes

    def test_a_portfolio_of_packages_only_shows_no_zero_people_cards(self, client, portfolio):
        define("packages", source="assistance", measure="units", headline=True)
        programme = ProgrammeFactory(code="PKG", name="Packages only")
        project = ProjectFactory(programme=programme, governorate=governorate("IQG13"))
        record(project, on=dt.date(2018, 2, 1), units=5, households=0, people=0)
        recompute_full()
        # The engine stores a zero for people: the page must not show "0*".
        assert stored(portfolio, "people-reached", programme=programme) == 0
        response = login(client, user_with_role("admin")).get(programme_url("PKG"), AS_OF_Q2)
        codes = [h["code"] for h in response.context["data"]["headlines"]]
        assert "people-reached" not in codes and "direct-recipients" not in codes
        assert "packages" in codes
        assert "0*" not in response.content.decode()
        assert headline(response, "packages")["value"] == 5


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
            amount=Decimal("100000"),
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
                (programme_url("CRP"), MAX_QUERIES),
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
        assert again.context["data"]["headlines"] == response.context["data"]["headlines"]


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


class TestProjectsBySector:
    @pytest.fixture
    def sectors(self, portfolio):
        """Besides the three livelihoods projects: two health projects in
        Kirkuk (ongoing, preparation), one water project in Anbar, and one
        education project started after the quarter."""
        health = Sector.objects.create(code="health", name="Health")
        water = Sector.objects.create(code="water", name="Water and sanitation")
        education = Sector.objects.create(code="education", name="Education")
        crp, usa = portfolio["crp"], portfolio["usa"]
        for sector, pcode, status, start in (
            (health, "IQG13", "ongoing", dt.date(2017, 1, 1)),
            (health, "IQG13", "preparation", dt.date(2018, 6, 1)),
            (water, "IQG01", "completed", dt.date(2017, 1, 1)),
            (education, "IQG13", "preparation", dt.date(2018, 8, 1)),
        ):
            ProjectFactory(
                programme=crp,
                governorate=governorate(pcode),
                donor=usa,
                sector=sector,
                status=status,
                start_date=start,
            )
        recompute_full()

    @staticmethod
    def counts(response) -> dict:
        data = response.context["data"]["projects_by_sector"]
        return {
            row["sector"]: tuple(row[s]["value"] for s in ("completed", "ongoing", "preparation"))
            for row in data["sectors"]
        }

    def test_mission_page_counts_by_sector_and_status(self, client, portfolio, sectors):
        response = login(client, user_with_role("admin")).get(MISSION, {"as_of": "2018-06-30"})
        assert self.counts(response) == {
            "Health": (0, 1, 1),
            "Livelihoods": (2, 1, 0),
            "Water and sanitation": (1, 0, 0),
        }
        assert page_json(response)["projects_by_sector"]["statuses"] == [
            {"code": "completed", "label": "Completed"},
            {"code": "ongoing", "label": "Ongoing"},
            {"code": "preparation", "label": "In preparation"},
        ]
        later = client.get(MISSION, {"as_of": "2018-09-30"})
        assert self.counts(later)["Education"] == (0, 0, 1)

    def test_governorate_and_programme_pages_narrow_the_counts(self, client, portfolio, sectors):
        login(client, user_with_role("admin"))
        kirkuk = client.get(governorate_url("IQG13"), {"as_of": "2018-06-30"})
        assert self.counts(kirkuk) == {"Health": (0, 1, 1), "Livelihoods": (0, 1, 0)}
        rrp = client.get(programme_url("RRP"), {"as_of": "2018-06-30"})
        assert self.counts(rrp) == {"Livelihoods": (1, 0, 0)}
        crp_anbar = client.get(
            programme_url("CRP"), {"as_of": "2018-06-30", "governorate": "IQG01"}
        )
        assert self.counts(crp_anbar) == {
            "Livelihoods": (1, 0, 0),
            "Water and sanitation": (1, 0, 0),
        }
        assert 'id="chart-sectors"' in crp_anbar.content.decode()

    def test_a_donor_sees_counts_below_five_hidden(self, client, portfolio, sectors):
        donor = user_with_role("donor", donor=portfolio["canada"])
        # Canada: six livelihoods projects in Ninewa, three completed, three ongoing.
        for status in ("completed",) * 2 + ("ongoing",) * 3:
            ProjectFactory(
                programme=portfolio["rrp"],
                governorate=portfolio["ninewa"],
                donor=portfolio["canada"],
                status=status,
            )
        response = login(client, donor).get(MISSION, {"as_of": "2018-06-30"})
        rows = response.context["data"]["projects_by_sector"]["sectors"]
        assert [r["sector"] for r in rows] == ["Livelihoods"]  # not USA's sectors
        livelihoods = rows[0]
        assert livelihoods["completed"]["display"] == "<5"
        assert livelihoods["ongoing"]["display"] == "<5"
        assert livelihoods["preparation"]["display"] == "0"
        html = response.content.decode()
        assert 'data-status="completed">&lt;5<' in html and "Health" not in html

    def test_one_hidden_sector_in_a_status_hides_another(self, client, portfolio, sectors):
        # USA, completed: Livelihoods 1 (Anbar) and Water 1, plus 5 completed
        # education projects: 7 completed in all, shown in "projects by status".
        education = Sector.objects.get(code="education")
        for _ in range(5):
            ProjectFactory(
                programme=portfolio["crp"],
                donor=portfolio["usa"],
                sector=education,
                status="completed",
                governorate=portfolio["kirkuk"],
            )
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(MISSION, {"as_of": "2018-06-30"})
        rows = {r["sector"]: r for r in response.context["data"]["projects_by_sector"]["sectors"]}
        assert rows["Livelihoods"]["completed"]["display"] == "<5"
        assert rows["Water and sanitation"]["completed"]["display"] == "<5"
        # Two hidden cells already: the five stay visible.
        assert rows["Education"]["completed"]["display"] == "5"


class TestGovernorateField:
    """Visits, photos, open referrals and feedback on the governorate page."""

    @pytest.fixture
    def field(self, portfolio):
        project = Project.objects.get(code="CRP-KRK-1")
        monitor = UserFactory(username="amal", first_name="Amal", last_name="Kareem")
        approved = field_visit(project, on=dt.date(2018, 5, 2), monitor=monitor)
        submitted = field_visit(project, on=dt.date(2018, 6, 1), status="submitted")
        draft = field_visit(project, on=dt.date(2018, 6, 3), status="draft")
        later = field_visit(project, on=dt.date(2018, 8, 1))
        elsewhere = field_visit(Project.objects.get(code="RRP-NIN-1"), on=dt.date(2018, 5, 5))
        Photo.objects.create(
            visit=approved,
            image="photos/school.jpg",
            caption="The rebuilt school",
            credit="Amal Kareem",
        )
        Referral.objects.create(
            visit=approved,
            issue="Leaking roof in classroom 3",
            referred_to="Directorate of Education",
        )
        Referral.objects.create(
            visit=approved,
            issue="Closed issue",
            referred_to="Municipality",
            closed_on=dt.date(2018, 5, 20),
        )
        Referral.objects.create(visit=draft, issue="Draft issue", referred_to="Nobody")
        # Feedback: 13 very satisfied (4 of them in Q3), 8 satisfied, 2
        # dissatisfied, one draft response and one in Ninewa.
        for value, n in (("5", 9), ("4", 8), ("2", 2)):
            for _ in range(n):
                feedback(project, on=dt.date(2018, 4, 10), answers={"satisfaction": value})
        for _ in range(4):
            feedback(project, on=dt.date(2018, 7, 10), answers={"satisfaction": "5"})
        feedback(project, on=dt.date(2018, 4, 10), answers={"satisfaction": "1"}, status="draft")
        feedback(
            Project.objects.get(code="RRP-NIN-1"),
            on=dt.date(2018, 4, 10),
            answers={"satisfaction": "1"},
        )
        return {
            "approved": approved,
            "submitted": submitted,
            "draft": draft,
            "later": later,
            "elsewhere": elsewhere,
        }

    def test_a_manager_sees_approved_and_submitted_visits_with_photos(
        self, client, portfolio, field
    ):
        manager = user_with_role("manager", programmes=[portfolio["crp"]])
        response = login(client, manager).get(governorate_url("IQG13"), {"as_of": "2018-06-30"})
        data = response.context["data"]
        assert [v["pk"] for v in data["visits"]] == [field["submitted"].pk, field["approved"].pk]
        approved = data["visits"][1]
        assert approved["monitor"] == "Amal Kareem" and approved["status"] == "approved"
        html = response.content.decode()
        assert reverse("beneficiaries:visit_detail", args=[field["approved"].pk]) in html
        assert "Amal Kareem" in html and "Submitted" in html
        assert [p["caption"] for p in data["photos"]] == ["The rebuilt school"]
        assert "Photo: Amal Kareem — Donor: USA — Governorate: Kirkuk" in html
        assert '<img src="/media/photos/school.jpg"' in html

    def test_only_open_referrals_of_listed_visits_are_shown(self, client, portfolio, field):
        response = login(client, user_with_role("admin")).get(
            governorate_url("IQG13"), {"as_of": "2018-06-30"}
        )
        referrals = response.context["data"]["referrals"]
        assert [r["issue"] for r in referrals] == ["Leaking roof in classroom 3"]
        assert referrals[0]["date"] == dt.date(2018, 5, 2)
        assert referrals[0]["project_code"] == "CRP-KRK-1"
        html = response.content.decode()
        assert "Referred to Directorate of Education" in html
        assert "Closed issue" not in html and "Draft issue" not in html

    def test_visits_are_the_quarters_and_open_referrals_those_of_any_quarter(
        self, client, portfolio, field, django_assert_max_num_queries
    ):
        login(client, user_with_role("admin"))
        # As of Q3: the August visit only; the May referral is still open.
        q3 = client.get(governorate_url("IQG13"), {"as_of": "2018-09-30"}).context["data"]
        assert [v["pk"] for v in q3["visits"]] == [field["later"].pk]
        assert [r["issue"] for r in q3["referrals"]] == ["Leaking roof in classroom 3"]
        # As of Q4: no visit in the quarter, the referral is still listed.
        with django_assert_max_num_queries(MAX_QUERIES_GOVERNORATE + 1):
            response = client.get(governorate_url("IQG13"), {"as_of": "2018-12-31"})
        q4 = response.context["data"]
        assert q4["visits"] == [] and q4["visits_count"] == 0
        assert [r["issue"] for r in q4["referrals"]] == ["Leaking roof in classroom 3"]
        assert "No approved visits in Kirkuk this quarter" in response.content.decode()
        # As of Q1: the referral's visit is later, so nothing yet.
        q1 = client.get(governorate_url("IQG13"), {"as_of": "2018-03-31"}).context["data"]
        assert q1["referrals"] == [] and q1["visits"] == []

    def test_a_long_quarter_lists_the_latest_visits_and_says_how_many(self, client, portfolio):
        project = Project.objects.get(code="CRP-KRK-1")
        for day in range(1, 12):
            field_visit(project, on=dt.date(2018, 4, day))
        response = login(client, user_with_role("admin")).get(
            governorate_url("IQG13"), {"as_of": "2018-06-30"}
        )
        data = response.context["data"]
        assert [v["date"].day for v in data["visits"]] == [11, 10, 9, 8, 7, 6, 5, 4]
        assert data["visits_count"] == 11
        assert "the latest 8 of 11" in response.content.decode()

    def test_a_monitor_sees_their_own_approved_visits(self, client, portfolio, field):
        monitor = field["approved"].monitor
        profile = UserProfile.objects.create(user=monitor, role="monitor")
        profile.governorates.set([portfolio["kirkuk"]])
        response = login(client, monitor).get(governorate_url("IQG13"), {"as_of": "2018-06-30"})
        assert [v["pk"] for v in response.context["data"]["visits"]] == [field["approved"].pk]

    def test_feedback_shares_are_those_of_the_approved_answers(self, client, portfolio, field):
        response = login(client, user_with_role("admin")).get(
            governorate_url("IQG13"), {"as_of": "2018-06-30"}
        )
        (question,) = response.context["data"]["feedback"]
        assert question["question"] == "How satisfaction?"
        assert question["total"]["value"] == 19
        shares = {o["label"]: o["share_display"] for o in question["options"]}
        assert shares == {
            "Very satisfied": "47%",
            "Satisfied": "42%",
            "Neutral": "0%",
            "Dissatisfied": "11%",
            "Very dissatisfied": "0%",
        }
        assert [o["share"] for o in question["options"]][0] == pytest.approx(9 / 19 * 100)
        later = client.get(governorate_url("IQG13"), {"as_of": "2018-09-30"})
        assert later.context["data"]["feedback"][0]["total"]["value"] == 23
        chart = page_json(response)["feedback"][0]
        assert chart["options"][0]["share_display"] == "47%"
        assert 'id="chart-feedback-0"' in response.content.decode()

    def test_a_donor_sees_feedback_only_with_small_counts_hidden(self, client, portfolio, field):
        # A beneficiary on the donor's project: their name never shows.
        Beneficiary.objects.create(
            full_name="Layla Hassan Jabbar",
            phone="+964 770 123 4567",
            sex="f",
            age_group="18-59",
            population_group="idp",
            governorate=portfolio["kirkuk"],
        )
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(governorate_url("IQG13"), {"as_of": "2018-06-30"})
        data = response.context["data"]
        assert data["visits"] is None and data["photos"] is None and data["referrals"] is None
        html = response.content.decode()
        for secret in (
            "Amal",
            "Kareem",
            "Leaking roof",
            "Directorate of Education",
            "The rebuilt school",
            "school.jpg",
            "Layla",
            "770 123",
            "Latest monitoring visits",
            "Issues referred",
            reverse("beneficiaries:visit_detail", args=[field["approved"].pk]),
        ):
            assert secret not in html, secret
        (question,) = data["feedback"]
        options = {o["label"]: o for o in question["options"]}
        assert options["Very satisfied"]["share_display"] == "47%"
        assert options["Dissatisfied"]["share_display"] == "<5"
        assert options["Dissatisfied"]["share"] is None
        # The total is shown, so with one count hidden the smallest other is too.
        assert options["Satisfied"]["share"] is None
        assert options["Satisfied"]["share_display"] == "not shown"
        assert "11%" not in html and "42%" not in html

    def test_a_donor_sees_no_distribution_of_fewer_than_five_answers(
        self, client, portfolio, field
    ):
        project = Project.objects.get(code="CRP-ANB-1")
        for value in ("5", "5", "4"):
            feedback(project, on=dt.date(2018, 4, 10), answers={"satisfaction": value})
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(governorate_url("IQG01"), {"as_of": "2018-06-30"})
        (question,) = response.context["data"]["feedback"]
        assert question["hidden"] and question["total"]["display"] == "<5"
        assert all(o["share"] is None for o in question["options"])
        html = response.content.decode()
        assert "Fewer than 5 answers" in html and "67%" not in html
        assert 'id="chart-feedback-0"' not in html

    def test_a_donor_never_sees_feedback_of_projects_they_do_not_fund(
        self, client, portfolio, field
    ):
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(governorate_url("IQG15"), {"as_of": "2018-06-30"})
        assert response.context["data"]["feedback"] == []
        assert "No approved beneficiary feedback in Ninewa" in response.content.decode()

    def test_empty_panels_say_what_to_do_and_every_panel_its_date(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(
            governorate_url("IQG13"), {"as_of": "2018-06-30"}
        )
        html = response.content.decode()
        assert "No approved visits in Kirkuk this quarter (1 Apr 2018 to 30 Jun 2018)" in html
        assert "No issues referred and still open in Kirkuk" in html
        assert "No photos on the latest visits in Kirkuk this quarter" in html
        assert "No approved beneficiary feedback in Kirkuk from 1 Jul 2017 to 30 Jun 2018" in html
        assert "Figures last computed at" in html
        for title in (
            "Projects by sector and status",
            "Areas of implementation",
            "People reached over time",
            "Projects by status",
            "Gender",
            "Population groups",
            "Beneficiary feedback",
            "Latest monitoring visits",
            "Issues referred and still open",
        ):
            section = html[html.index(title) :][:1500]
            assert "30 Jun 2018" in section, title


class TestCumulativeLeak:
    """A donor must not get a hidden quarter from the running total."""

    def test_a_hidden_quarter_cannot_be_worked_out_from_the_cumulative_line(
        self, client, portfolio
    ):
        # Anbar (USA): 30 people in Q1, 3 in Q2.
        record(
            Project.objects.get(code="CRP-ANB-1"),
            on=dt.date(2018, 2, 1),
            households=5,
            people=5,
            size=6,
        )
        recompute_full()
        donor = user_with_role("donor", donor=portfolio["usa"])
        response = login(client, donor).get(governorate_url("IQG01"), {"as_of": "2018-06-30"})
        series = page_json(response)["series"]
        assert [s["per_quarter"]["display"] for s in series] == ["not shown", "<5"]
        assert [s["cumulative"]["display"] for s in series] == ["not shown", "33"]
        assert headline(response, "people-reached")["display"] == "33"
        assert "30" not in {s["cumulative"]["display"] for s in series}
        # Staff see every figure.
        client.force_login(user_with_role("admin"))
        series = page_json(client.get(governorate_url("IQG01"), {"as_of": "2018-06-30"}))["series"]
        assert [s["per_quarter"]["value"] for s in series] == [30, 3]
        assert [s["cumulative"]["value"] for s in series] == [30, 33]
