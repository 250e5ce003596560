"""A visit sent from a phone carries its location (the offline queue sends
it this way); donors never read it, through the API or an export."""

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
    assert "location" not in response.json()  # written, never read back through the API


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
