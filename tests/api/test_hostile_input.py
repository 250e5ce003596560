"""Hostile bodies and addresses through the real endpoints: a body nested
10,000 levels deep on every write route of the schema, a NUL character in a
query value or a path, and free text of two million characters. Each is a
400 with a message that says what is wrong, never a 500, and writes nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from beneficiaries.models import FINDINGS_MAX_LENGTH, MonitoringVisit
from tests.api.conftest import DAY, visit_with_line

pytestmark = pytest.mark.django_db

DEEP = "[" * 10_000 + "]" * 10_000
WRITES = ("post", "put", "patch")


def _write_routes(client) -> list[tuple[str, str, bool]]:
    """(path template, method, whether it takes a body) for every write
    operation of the schema."""
    document = client.get("/api/schema/", {"format": "json"}).json()
    return [
        (path, method, "requestBody" in operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in WRITES
    ]


def _with_ids(path: str, admin) -> str | None:
    """The route with ``{id}`` replaced by an object the administrator sees
    (the first of its collection), or None when the collection is empty."""
    if "{" in path.replace("{id}", ""):
        return None  # nested under another object (a snapshot's sections): not resolved here
    if "{id}" not in path:
        return path
    collection = path.split("{id}")[0]
    listing = admin.get(collection).json()
    rows = listing.get("results", listing) if isinstance(listing, dict) else listing
    if not rows:
        return None
    return path.replace("{id}", str(rows[0]["id"]))


def test_a_body_nested_ten_thousand_levels_is_400_on_every_write_route(world, api):
    """Every write operation of the schema, as the administrator (anonymous for
    the token route): never a 500; a 400 naming the limit wherever the body is
    read (a route the administrator may not write answers 403 or 404 first)."""
    admin = api(world["admin"])
    visit_with_line(world, monitor="alice", project=world["krk"], status="submitted")
    routes = _write_routes(api())
    assert len(routes) > 10
    refused = set()
    for template, method, takes_body in routes:
        path = _with_ids(template, admin)
        if path is None:
            continue
        client = api() if "/auth/token/" in path else admin
        response = getattr(client, method)(path, DEEP, content_type="application/json")
        assert response.status_code != 500, (template, method)
        if takes_body:
            assert response.status_code in (400, 403, 404), (template, method)
        if response.status_code == 400:
            assert "nested deeper than 20 levels" in response.json()["detail"], template
            refused.add((template, method))
    collections = {(t, m) for t, m, body in routes if body and "{" not in t}
    assert ("/api/v1/auth/token/", "post") in collections
    assert collections <= refused
    assert len(refused) > len(collections)  # and object routes the administrator writes


def test_a_body_nested_a_little_too_deep_is_400_and_writes_nothing(world, api):
    body = {"project": world["krk"].pk, "visit_date": DAY.isoformat(), "findings": "Open."}
    nested: object = "x"
    for _ in range(25):
        nested = {"a": nested}
    before = MonitoringVisit.objects.count()
    response = api(world["alice"]).post("/api/v1/visits/", {**body, "extra": nested},
                                        format="json")  # fmt: skip
    assert response.status_code == 400
    assert "nested deeper than 20 levels" in response.json()["detail"]
    assert MonitoringVisit.objects.count() == before


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/visits/?project=%00",
        "/api/v1/assistance-records/?activity_type=a%00b",
        "/api/v1/visits/?%00=1",
        "/visits/?q=%00",
        "/exports/assistance-records.csv?governorate=%00",
        "/media/visits/%00.jpg",
    ],
)
def test_a_nul_character_in_the_address_is_400_with_a_message(world, api, client, address):
    client.force_login(world["admin"])
    response = client.get(address)
    assert response.status_code == 400
    text = response.json()["detail"] if address.startswith("/api/") else response.text
    assert "NUL character (%00)" in text


def test_two_million_characters_of_findings_are_refused_and_nothing_is_written(world, api):
    body = {"project": world["krk"].pk, "visit_date": DAY.isoformat(), "findings": "x" * 2_000_000}
    before = MonitoringVisit.objects.count()
    response = api(world["alice"]).post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400
    assert "20000 characters" in response.json()["findings"][0]
    assert MonitoringVisit.objects.count() == before


def test_the_schema_states_the_text_limits(api):
    document = api().get("/api/schema/", {"format": "json"}).json()
    visit = document["components"]["schemas"]["VisitRequest"]["properties"]
    assert visit["findings"]["maxLength"] == FINDINGS_MAX_LENGTH
    reason = document["components"]["schemas"]["ReturnRequest"]["properties"]["reason"]
    assert reason["maxLength"] == 2000


def test_the_visit_form_says_the_limit_and_refuses_beyond_it(world, client):
    client.force_login(world["alice"])
    before = MonitoringVisit.objects.count()
    page = client.get(reverse("beneficiaries:visit_new")).content.decode()
    assert 'maxlength="20000"' in page and "Up to 20,000 characters." in page
    response = client.post(
        reverse("beneficiaries:visit_new"),
        {"project": world["krk"].pk, "visit_date": DAY.isoformat(), "findings": "x" * 20_001,
         "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0",
         "referrals-TOTAL_FORMS": "0", "referrals-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert re.search(r"at most 20000 characters \(it has 20001\)", response.content.decode())
    assert MonitoringVisit.objects.count() == before
