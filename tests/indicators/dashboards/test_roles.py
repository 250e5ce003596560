"""The dashboards for each role: who may open them, the headline cards as
data, and what a manager and a donor see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from indicators.engine import recompute_full
from indicators.models import IndicatorDefinition
from tests.factories import (
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    governorate,
    user_with_role,
)
from tests.indicators.conftest import define, record
from tests.indicators.dashboards.helpers import (
    AS_OF_Q2,
    MISSION,
    governorate_url,
    headline,
    login,
    page_json,
    programme_url,
    stored,
)

pytestmark = pytest.mark.django_db


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
        assert sex == {"f": "<5", "m": "0", "not_recorded": "0"}
        areas = {a["pcode"]: a for a in page_json(response)["areas"]}
        assert areas["IQG01"]["display"] == "<5" and areas["IQG01"]["value"] is None
        # Kirkuk is hidden too, or the mission total minus Kirkuk would give Anbar away.
        assert areas["IQG13"]["value"] is None
        assert ">3<" not in response.content.decode()

    def test_staff_see_the_small_counts(self, client, portfolio):
        response = login(client, user_with_role("admin")).get(governorate_url("IQG01"))
        assert headline(response, "people-reached")["display"] == "3"
