"""A visit sent from a phone carries its location (the offline queue sends
it this way); staff of the visit's scope read it back, donors never do,
through the API or an export."""

from __future__ import annotations

import uuid

import pytest

from beneficiaries.models import VisitLocation
from exports.access import exports_for_user
from tests.api.conftest import DAY

pytestmark = pytest.mark.django_db

WHERE = {
    "latitude": 35.4681,
    "longitude": 44.3922,
    "accuracy_m": 24.6,
    "captured_at": "2018-03-01T09:30:00Z",
}


def body(world, **changes) -> dict:
    return {
        "client_id": str(uuid.uuid4()),
        "project": world["krk"].pk,
        "visit_date": DAY.isoformat(),
        "findings": "Bakery open.",
        "location": WHERE,
        **changes,
    }


def test_a_visit_sent_with_its_location_keeps_it(world, api):
    response = api(world["alice"]).post("/api/v1/visits/", body(world), format="json")
    assert response.status_code == 201, response.content
    location = VisitLocation.objects.get(visit_id=response.json()["id"])
    assert (location.accuracy_m, location.outside_km, location.checked_against) == (
        25,
        0,
        "Kirkuk",
    )
    assert response.json()["location"]["accuracy_m"] == 25  # as kept, not as sent


def test_a_position_off_the_earth_is_refused(world, api):
    where = {**WHERE, "latitude": 135}
    response = api(world["alice"]).post(
        "/api/v1/visits/", body(world, location=where), format="json"
    )
    assert response.status_code == 400 and "location" in response.json()
    assert not VisitLocation.objects.exists()


def test_donors_never_read_a_location(world, api, client):
    sent = api(world["alice"]).post("/api/v1/visits/", body(world), format="json").json()
    dora = world["dora"]  # her organisation funds the Kirkuk project
    donor = api(dora)
    assert donor.get(f"/api/v1/visits/{sent['id']}/").status_code == 404
    listing = donor.get("/api/v1/visits/")
    assert "35.4681" not in listing.text and "44.3922" not in listing.text
    client.force_login(dora)
    downloads = [export.slug for export in exports_for_user(dora)]
    assert downloads  # she has downloads, and none of them carries a position
    for slug in downloads:
        for fmt in ("csv", "json"):
            response = client.get(f"/exports/{slug}.{fmt}")
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            assert b"35.4681" not in content and b"44.3922" not in content


def test_staff_in_scope_read_a_location_through_the_api(world, api):
    sent = api(world["alice"]).post("/api/v1/visits/", body(world, submit=True), format="json")
    pk = sent.json()["id"]
    for name in ("alice", "maria", "admin"):  # its monitor, its manager, an administrator
        client = api(world[name])
        location = client.get(f"/api/v1/visits/{pk}/").json()["location"]
        assert location == {
            "latitude": 35.4681,
            "longitude": 44.3922,
            "accuracy_m": 25.0,
            "captured_at": "2018-03-01T12:30:00+03:00",  # 09:30 UTC, in Baghdad's time
            "outside_km": 0.0,
            "checked_against": "Kirkuk",
        }, name
        listed = client.get("/api/v1/visits/").json()["results"]
        assert [v["location"]["latitude"] for v in listed if v["id"] == pk] == [35.4681], name


def test_staff_out_of_scope_and_donors_never_read_a_location(world, api):
    sent = api(world["alice"]).post("/api/v1/visits/", body(world, submit=True), format="json")
    pk = sent.json()["id"]
    # The Basra half's manager and monitor, and the Kirkuk project's own donor.
    for name in ("mark", "oscar", "dora"):
        client = api(world[name])
        assert client.get(f"/api/v1/visits/{pk}/").status_code == 404, name
        listing = client.get("/api/v1/visits/")
        assert "35.4681" not in listing.text and "44.3922" not in listing.text, name
        assert client.get("/api/v1/visits/?format=csv").content.count(b"35.4681") == 0, name


def test_a_visit_without_a_location_reads_null(world, api):
    sent = api(world["alice"]).post("/api/v1/visits/", body(world, location=None), format="json")
    assert sent.status_code == 201, sent.content
    assert (
        api(world["alice"]).get(f"/api/v1/visits/{sent.json()['id']}/").json()["location"] is None
    )
