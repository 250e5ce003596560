"""Names over the API in the request's language (#15): ``name`` is the
``Accept-Language``'s value, English where it has none; ``name_en``,
``name_ar`` and ``name_ckb`` are each language's, which writers set."""

from __future__ import annotations

import pytest

from programmes.models import Programme, Sector

pytestmark = pytest.mark.django_db

CRP_AR = "برنامج إنعاش المجتمعات المحلية"
LIVELIHOODS_AR = "سبل العيش"


def by_code(response) -> dict:
    assert response.status_code == 200, response.content
    return {row["code"]: row for row in response.json()["results"]}


def test_names_are_read_in_the_requests_language_with_english_where_none(world, api):
    Programme.objects.filter(code="CRP").update(name_ar=CRP_AR)
    client = api(world["dora"])  # a donor reads their programme's name in Arabic
    arabic = by_code(client.get("/api/v1/programmes/", HTTP_ACCEPT_LANGUAGE="ar"))
    assert arabic["CRP"]["name"] == CRP_AR
    assert arabic["CRP"]["name_en"] == "Community Revitalization Programme"
    assert arabic["CRP"]["name_ckb"] is None
    english = by_code(client.get("/api/v1/programmes/", HTTP_ACCEPT_LANGUAGE="en"))
    assert english["CRP"]["name"] == "Community Revitalization Programme"
    kurdish = by_code(client.get("/api/v1/programmes/", HTTP_ACCEPT_LANGUAGE="ckb"))
    assert kurdish["CRP"]["name"] == "Community Revitalization Programme"  # no Kurdish name


def test_a_writer_sets_each_languages_name(world, api):
    admin = api(world["admin"])
    changed = admin.patch(
        "/api/v1/sectors/livelihoods/", {"name_ar": LIVELIHOODS_AR}, format="json"
    )
    assert changed.status_code == 200, changed.content
    sector = Sector.objects.get(code="livelihoods")
    assert (sector.name_en, sector.name_ar) == ("Livelihoods", LIVELIHOODS_AR)
    read = admin.get("/api/v1/sectors/livelihoods/", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert read["name"] == LIVELIHOODS_AR
    # A sector written in Arabic alone has that name in English too, never none.
    created = admin.post("/api/v1/sectors/", {"code": "health", "name_ar": "الصحة"}, format="json")
    assert created.status_code == 201, created.content
    assert Sector.objects.get(code="health").name_en == "الصحة"
    # Two sectors may both lack a Kurdish name; none may share another's Arabic one.
    taken = admin.post(
        "/api/v1/sectors/",
        {"code": "water", "name_en": "Water", "name_ar": "الصحة", "name_ckb": ""},
        format="json",
    )
    assert taken.status_code == 400
    assert "name_ar" in taken.json()
