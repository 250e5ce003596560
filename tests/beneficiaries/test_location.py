"""A visit's location: given through the form's hidden fields, kept with the
accuracy the phone reported, checked against the visit's place ("inside" or
"N km outside"), shown to staff in scope on the visit and the map, and never
to donors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from beneficiaries import services
from beneficiaries.models import MonitoringVisit, VisitLocation
from tests.beneficiaries.test_services import DAY, build_world
from tests.beneficiaries.test_views import form_data
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db

KIRKUK_CITY = {"location-latitude": "35.468100", "location-longitude": "44.392200"}
DAY_TIME = dt.datetime(2018, 3, 1, 9, 30, tzinfo=dt.UTC)
BASRA_CITY = {"location-latitude": "30.508500", "location-longitude": "47.780400"}


@shared_for_module
def world():
    return build_world()


def located(**where) -> dict:
    return {"location-accuracy_m": "18.4", "location-captured_at": "2018-03-01T09:30:00Z", **where}


def url(name, *args):
    return reverse(f"beneficiaries:{name}", args=args)


def test_the_form_keeps_the_location_with_its_accuracy_and_says_inside(client, world):
    client.force_login(world["alice"])
    response = client.post(url("visit_new"), form_data(world, **located(**KIRKUK_CITY)))
    assert response.status_code == 302
    location = VisitLocation.objects.get(visit=MonitoringVisit.objects.get())
    assert (float(location.latitude), float(location.longitude)) == (35.4681, 44.3922)
    assert location.accuracy_m == 18 and location.captured_at.isoformat().startswith("2018-03-01")
    assert (location.outside_km, location.checked_against) == (0, "Kirkuk")
    page = client.get(url("visit_detail", location.visit_id)).text
    assert "inside Kirkuk" in page and "accurate to 18 m" in page


def test_a_position_far_from_the_place_says_how_far(client, world):
    client.force_login(world["alice"])
    client.post(url("visit_new"), form_data(world, **located(**BASRA_CITY)))
    location = VisitLocation.objects.get()
    assert 500 < location.outside_km < 700
    page = client.get(url("visit_detail", location.visit_id)).text
    assert f"{location.outside_km:.1f} km outside Kirkuk" in page


def test_without_the_button_no_location_is_kept_and_half_a_position_is_refused(client, world):
    client.force_login(world["alice"])
    client.post(url("visit_new"), form_data(world))
    assert not VisitLocation.objects.exists()
    page = client.post(url("visit_new"), form_data(world, **{"location-latitude": "35.4"}))
    assert page.status_code == 200 and "press “Add my location” again" in page.text
    assert MonitoringVisit.objects.count() == 1


def test_the_form_offers_the_button(client, world):
    client.force_login(world["alice"])
    page = client.get(url("visit_new")).text
    assert "Add my location" in page and 'name="location-accuracy_m"' in page


def visit_at_kirkuk(world):
    return services.visit_save(
        user=world["alice"],
        visit=None,
        project=world["project"],
        visit_date=DAY,
        findings="Shops open.",
        location=services.LocationFix(
            latitude=35.4681, longitude=44.3922, accuracy_m=9, captured_at=DAY_TIME
        ),
    )


@pytest.mark.parametrize(
    "who, sees", [("alice", True), ("maria", False), ("admin", True), ("mona", False)]
)
def test_the_map_shows_located_visits_in_scope(client, world, who, sees):
    visit = visit_at_kirkuk(world)  # a draft: its monitor's and the administrator's only
    client.force_login(world[who])
    page = client.get(url("visit_map"))
    assert page.status_code == 200
    points = page.context["map_data"]["points"]
    assert [p["visit"] for p in points] == ([visit.pk] if sees else [])
    if sees:
        assert points[0]["outside_km"] == 0 and points[0]["accuracy_m"] == 9


def test_a_manager_sees_the_location_once_submitted(client, world):
    visit = visit_at_kirkuk(world)
    MonitoringVisit.objects.filter(pk=visit.pk).update(status="submitted")
    client.force_login(world["maria"])
    assert [p["visit"] for p in client.get(url("visit_map")).context["map_data"]["points"]] == [
        visit.pk
    ]
    assert "inside Kirkuk" in client.get(url("visit_detail", visit.pk)).text


def test_donors_never_see_a_location(client, world):
    visit = visit_at_kirkuk(world)
    MonitoringVisit.objects.filter(pk=visit.pk).update(status="approved")
    client.force_login(world["dora"])  # her organisation funds the Kirkuk project
    assert client.get(url("visit_map")).status_code == 404
    assert client.get(url("visit_detail", visit.pk)).status_code == 404
    assert "Map of visits" not in client.get("/").text
