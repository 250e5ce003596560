"""The mission overview, governorate and programme dashboards: their figures
are the derived table's, cut by the page and the filters in the URL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.engine import recompute_full
from indicators.selectors import default_as_of, value_as_of
from programmes.models import Contribution, Project
from tests.factories import (
    DonorFactory,
    ProjectFactory,
    user_with_role,
)
from tests.indicators.conftest import record
from tests.indicators.dashboards.helpers import (
    MISSION,
    Q1_END,
    Q2_END,
    governorate_url,
    headline,
    login,
    page_json,
    programme_url,
    stored,
)

pytestmark = pytest.mark.django_db


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
        assert "Figures last updated at" in html

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
        assert (
            sex
            == {"f": row.sex_f, "m": row.sex_m, "not_recorded": 0}
            == {
                "f": 36,
                "m": 29,
                "not_recorded": 0,
            }
        )
        groups = {c["code"]: c["value"] for c in data["splits"]["population_group"]["categories"]}
        assert groups == {"idp": 12, "returnee": 3, "host": 20, "refugee": 30, "not_recorded": 0}
        status = {c["code"]: c["value"] for c in data["projects_by_status"]}
        assert status == {"completed": 2, "ongoing": 1, "other": 0}

    def test_splits_show_what_was_not_recorded_beside_the_shares(self, client, portfolio):
        """40 more people of whom 30 women, with no age or group recorded: the
        page shows them as women and "not recorded", never as men or a group."""
        project = Project.objects.get(code="RRP-NIN-1")
        record(project, on=dt.date(2018, 5, 2), households=5, people=40, splits={"sex_f": 30})
        recompute_full()
        data = login(client, user_with_role("admin")).get(MISSION).context["data"]
        sex = {c["code"]: (c["value"], c["share"]) for c in data["splits"]["sex"]["categories"]}
        assert sex == {"f": (66, 63), "m": (29, 28), "not_recorded": (10, 10)}
        groups = {
            c["code"]: (c["value"], c["share"])
            for c in data["splits"]["population_group"]["categories"]
        }
        assert groups["not_recorded"] == (40, 38) and groups["refugee"] == (30, 29)
        labels = [c["label"] for c in data["splits"]["sex"]["categories"]]
        assert labels[-1] == "Not recorded"

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
