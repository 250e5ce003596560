"""On a 360-px phone: a returned visit's monitor sees the unread count in the
header and the reason in the list; "Add my location", once the browser is
allowed to give the position, fills the form with it and its accuracy, and the
visit keeps it, shown as inside its place; the new pages fit the screen."""

from __future__ import annotations

import pytest

from beneficiaries.models import MonitoringVisit, VisitLocation
from tests.beneficiaries.test_services import build_world
from tests.beneficiaries.test_views import visit_of


@pytest.fixture
def world(transactional_db):
    return build_world()


def fits(phone_page, path: str) -> int:
    phone_page.goto(path)
    return phone_page.page.evaluate("document.documentElement.scrollWidth")


def test_returned_monitor_is_told_then_adds_her_location(phone_page, world, live_server):
    visit_of(world, status="returned")  # maria returned it: "Check the units."
    phone_page.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone_page.context.set_geolocation({"latitude": 35.4681, "longitude": 44.3922, "accuracy": 15})
    phone_page.sign_in("alice")
    phone_page.goto("/")
    page = phone_page.page
    assert page.inner_text(".notifications-link .badge") == "1"
    assert fits(phone_page, "/notifications/") <= 360
    assert "Check the units." in page.inner_text(".notification-list")

    phone_page.goto("/visits/new/")
    page.fill("input[name=visit_date]", "2018-03-05")  # the project ran 2017 to 2020
    page.select_option("select[name=project]", str(world["project"].pk))
    page.fill("textarea[name=findings]", "Bakery open.")
    page.click("button[data-location-add]")
    page.locator("[data-location-status]", has_text="15 m").wait_for()
    assert page.input_value("input[name='location-latitude']") == "35.468100"
    page.click("button[name=save]")
    page.wait_for_load_state()
    location = VisitLocation.objects.get(visit=MonitoringVisit.objects.latest("id"))
    assert (location.accuracy_m, location.outside_km) == (15, 0)
    assert fits(phone_page, f"/visits/{location.visit_id}/") <= 360
    assert "inside Kirkuk" in page.inner_text(".facts")
    assert fits(phone_page, "/visits/map/") <= 360
    assert phone_page.errors == []
