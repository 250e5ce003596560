"""Who reads what over the API: every endpoint for every role, in and out
of scope, anonymous and without a role. Out of scope is "not found", in a
list and in a detail alike, exactly as on the web pages."""

from __future__ import annotations

import pytest

from tests.api.conftest import BASRA_SIDE, KIRKUK_SIDE, USERS

pytestmark = pytest.mark.django_db

EVERYONE = set(USERS)
VISIT_READERS_KRK = {"admin", "maria", "alice"}
VISIT_READERS_BSR = {"admin", "mark", "oscar"}

# resource, the Kirkuk object, the Basra object, the field naming an object in
# a list (also its detail's lookup), who reads the first, who the second.
CASES = [
    ("governorates", "kirkuk", "basra", "pcode", EVERYONE, EVERYONE),
    ("donors", "usa", "canada", "id", EVERYONE - {"carl"}, EVERYONE - {"dora"}),
    ("programmes", "crp", "rrp", "id", KIRKUK_SIDE | {"admin"}, BASRA_SIDE | {"admin"}),
    (
        "contributions",
        "contribution_usa",
        "contribution_can",
        "id",
        {"admin", "maria", "dora"},
        {"admin", "mark", "carl"},
    ),
    ("projects", "krk", "bsr", "id", KIRKUK_SIDE | {"admin"}, BASRA_SIDE | {"admin"}),
    ("visits", "visit_krk", "visit_bsr", "id", VISIT_READERS_KRK, VISIT_READERS_BSR),
    (
        "assistance-records",
        "line_krk",
        "line_bsr",
        "id",
        VISIT_READERS_KRK,
        VISIT_READERS_BSR,
    ),
    (
        "feedback-responses",
        "feedback_krk",
        "feedback_bsr",
        "id",
        VISIT_READERS_KRK,
        VISIT_READERS_BSR,
    ),
]


def detail(resource: str, lookup) -> str:
    return f"/api/v1/{resource}/{lookup}/"


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_each_role_reads_its_scope_and_nothing_else(world, api, case, who):
    resource, first, second, field, first_readers, second_readers = case
    client = api(world[who])
    response = client.get(f"/api/v1/{resource}/", {"page_size": 100})
    assert response.status_code == 200, response.content
    listed = {row[field] for row in response.json()["results"]}
    if resource == "governorates":  # all 18 for everyone
        assert len(listed) == 18
        listed &= {"IQG13", "IQG02"}
    expected = {
        getattr(world[key], field if field != "id" else "pk")
        for key, readers in ((first, first_readers), (second, second_readers))
        if who in readers
    }
    assert listed == expected
    for key, readers in ((first, first_readers), (second, second_readers)):
        lookup = getattr(world[key], field if field != "id" else "pk")
        got = client.get(detail(resource, lookup))
        assert got.status_code == (200 if who in readers else 404), (key, got.content)
        if who not in readers:
            # Nothing in the answer tells that the object exists.
            assert set(got.json()) == {"detail"}


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_anonymous_gets_401_not_a_login_page(world, api, case):
    resource, first, _second, field, *_ = case
    client = api()
    for url in (
        f"/api/v1/{resource}/",
        detail(resource, getattr(world[first], field if field != "id" else "pk")),
    ):
        response = client.get(url)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_a_user_without_a_role_is_refused(world, api, case):
    response = api(world["nobody"]).get(f"/api/v1/{case[0]}/")
    assert response.status_code == 403
    assert "no role" in response.json()["detail"]


@pytest.mark.parametrize("who", USERS)
def test_every_role_reads_the_reference_lists(world, api, who):
    client = api(world[who])
    for url, expected in (
        ("/api/v1/sectors/", ["livelihoods"]),
        ("/api/v1/activity-types/", ["bsp"]),
        ("/api/v1/surveys/", ["satisfaction"]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert [row["code"] for row in response.json()["results"]] == expected


def test_donors_never_see_record_level_data(world, api):
    """A donor funding the project still sees none of its visits, lines or
    responses, and the API has no beneficiary endpoint at all."""
    client = api(world["dora"])
    for resource in ("visits", "assistance-records", "feedback-responses"):
        assert client.get(f"/api/v1/{resource}/").json()["count"] == 0
    assert client.get("/api/v1/beneficiaries/").status_code == 404
    line = api(world["admin"]).get(detail("assistance-records", world["line_krk"].pk)).json()
    assert "beneficiary" not in line


def test_a_manager_never_sees_a_draft(world, api):
    from tests.api.conftest import visit_with_line

    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    assert api(world["maria"]).get(detail("visits", draft.pk)).status_code == 404
    assert api(world["alice"]).get(detail("visits", draft.pk)).status_code == 200


def test_governorate_boundaries_are_geojson(world, api):
    client = api(world["dora"])
    kirkuk = client.get(detail("governorates", "IQG13")).json()
    assert kirkuk["name_en"] == "Kirkuk"
    assert kirkuk["boundary"]["type"] in ("Polygon", "MultiPolygon")
    collection = client.get("/api/v1/governorates/geojson/").json()
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 18
    feature = next(f for f in collection["features"] if f["properties"]["pcode"] == "IQG13")
    assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # The list stays light: no geometry in it.
    assert "boundary" not in client.get("/api/v1/governorates/").json()["results"][0]


def test_lists_are_paginated_with_a_maximum_page_size(world, api):
    client = api(world["admin"])
    page = client.get("/api/v1/governorates/", {"page_size": 5}).json()
    assert page["count"] == 18 and len(page["results"]) == 5 and page["next"]
    assert len(client.get("/api/v1/governorates/", {"page_size": 10_000}).json()["results"]) == 18
    assert client.get("/api/v1/governorates/", {"page": 99}).status_code == 404


def test_filters_and_ordering(world, api):
    client = api(world["admin"])
    rows = client.get("/api/v1/projects/", {"governorate": "IQG02"}).json()["results"]
    assert [row["code"] for row in rows] == ["BSR-01"]
    rows = client.get("/api/v1/projects/", {"donor": "USA", "ordering": "-code"}).json()["results"]
    assert [row["code"] for row in rows] == ["KRK-01"]
    rows = client.get("/api/v1/projects/", {"ordering": "-code"}).json()["results"]
    assert [row["code"] for row in rows] == ["KRK-01", "BSR-01"]
    rows = client.get("/api/v1/visits/", {"programme": "RRP"}).json()["results"]
    assert [row["id"] for row in rows] == [world["visit_bsr"].pk]


def test_an_unknown_filter_value_is_a_400_by_field(world, api):
    response = api(world["admin"]).get("/api/v1/projects/", {"governorate": "IQG99"})
    assert response.status_code == 400
    assert list(response.json()) == ["governorate"]


@pytest.mark.parametrize(
    "resource",
    [case[0] for case in CASES] + ["indicator-values", "indicator-definitions", "surveys"],
)
def test_a_list_costs_the_same_whatever_its_length(
    world, api, resource, django_assert_max_num_queries
):
    """Token or session, the user and their profile, the scope, the count and
    the page (and its prefetches): never a query per row."""
    from tests.api.conftest import visit_with_line

    for _ in range(3):
        visit_with_line(world, monitor="alice", project=world["krk"])
    client = api(world["maria"])
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/{resource}/", {"page_size": 100})
    assert response.status_code == 200


def test_the_schema_and_the_token_endpoint_are_open_to_scripts(db, api):
    assert api().get("/api/schema/").status_code == 200
    response = api().get("/api/v1/auth/token/")
    assert response.status_code == 401  # not a redirect to the login page
