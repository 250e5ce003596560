"""A project's coverage over the API: several governorates and districts by
P-code or name, or the whole country (``national``); a visit's ``place``."""

from __future__ import annotations

import pytest

from programmes.models import Project
from tests.api.test_writes import PROJECT

pytestmark = pytest.mark.django_db


def post(api, world, **changes):
    body = {k: v for k, v in {**PROJECT, **changes}.items() if v is not None}
    return api(world["admin"]).post("/api/v1/projects/", body, format="json")


def test_a_project_covering_several_places_by_name(world, api):
    response = post(api, world, governorate=None, coverage=["Kirkuk", "Mosul", "IQG15Q01"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["coverage"] == ["IQG13", "IQG15Q01", "IQG15Q05"]
    assert (body["governorate"], body["district"], body["national"]) == (None, None, False)
    project = Project.objects.get(code=body["code"])
    assert project.governorate is None and project.coverage.count() == 3
    listed = api(world["admin"]).get("/api/v1/projects/", {"governorate": "IQG15"}).json()
    assert body["code"] in [row["code"] for row in listed["results"]]


def test_a_national_project_has_no_place(world, api):
    response = post(api, world, governorate=None, national=True)
    assert response.status_code == 201, response.content
    assert (response.json()["coverage"], response.json()["governorate"]) == ([], None)


def test_a_district_beside_its_governorate_is_a_400_on_the_coverage(world, api):
    response = post(api, world, governorate=None, coverage=["Ninewa", "Mosul"])
    assert response.status_code == 400
    assert response.json()["coverage"] == [
        "Al-Mosul is a district of Ninewa, which the coverage already holds whole: give the "
        "governorate or some of its districts, not both."
    ]


def test_a_one_place_project_reads_its_coverage(world, api):
    row = api(world["admin"]).get(f"/api/v1/projects/{world['krk'].pk}/").json()
    assert row["coverage"] == [world["krk"].governorate.pcode]


def test_a_visit_of_a_national_project_takes_its_place(world, api):
    project = world["krk"]
    api(world["admin"]).patch(f"/api/v1/projects/{project.pk}/", {"national": True}, format="json")
    body = {"project": project.pk, "visit_date": "2018-03-01"}
    response = api(world["admin"]).post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400
    assert "give the place" in response.json()["place"][0]
    response = api(world["admin"]).post(
        "/api/v1/visits/", {**body, "place": "Qayyarah"}, format="json"
    )
    assert response.status_code == 201, response.content
    found = response.json()
    assert (found["place"], found["district"], found["governorate"]) == (
        "IQG15Q05N01",
        "IQG15Q05",
        "IQG15",
    )
