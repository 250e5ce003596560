"""Projects' districts over the API: named by P-code or any spelling the place
matcher knows, the governorate taken from the district, and filtered by P-code."""

from __future__ import annotations

import pytest

from programmes.models import Project
from tests.api.test_writes import PROJECT
from tests.factories import district

pytestmark = pytest.mark.django_db


def post(api, world, **changes):
    body = {k: v for k, v in {**PROJECT, **changes}.items() if v is not None}
    return api(world["admin"]).post("/api/v1/projects/", body, format="json")


@pytest.mark.parametrize("name", ["Hawija", "IQG13Q01", "الحويجة", "al-hawiga"])
def test_a_project_named_by_its_district_gets_the_governorate_from_it(world, api, name):
    response = post(api, world, governorate=None, district=name)
    assert response.status_code == 201, response.content
    assert response.json()["district"] == "IQG13Q01"
    assert response.json()["governorate"] == "IQG13"
    project = Project.objects.get(code="KRK-02")
    assert (project.governorate.pcode, project.district.pcode) == ("IQG13", "IQG13Q01")


def test_a_district_of_another_governorate_is_a_400_on_the_district(world, api):
    response = post(api, world, governorate="IQG13", district="Mosul")
    assert response.status_code == 400
    assert response.json()["district"] == ["Al-Mosul is in Ninewa, not in Kirkuk."]
    assert not Project.objects.filter(code="KRK-02").exists()


def test_an_unknown_district_is_a_400_naming_the_closest(world, api):
    response = post(api, world, governorate=None, district="Hawijah town")
    assert response.status_code == 400
    assert "Al-Hawiga (IQG13Q01, district of Kirkuk)" in response.json()["district"][0]


def test_no_governorate_and_no_district_is_a_400(world, api):
    response = post(api, world, governorate=None)
    assert response.status_code == 400
    assert "governorate" in response.json()


def test_moving_a_project_to_another_district_moves_its_governorate(world, api):
    project = world["krk"]
    response = api(world["admin"]).patch(
        f"/api/v1/projects/{project.pk}/", {"district": "IQG15Q05"}, format="json"
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert (project.governorate.pcode, project.district.pcode) == ("IQG15", "IQG15Q05")


def test_projects_filtered_by_district_pcode(world, api):
    Project.objects.filter(pk=world["krk"].pk).update(district=district("IQG13Q04"))
    client = api(world["admin"])
    rows = client.get("/api/v1/projects/", {"district": "IQG13Q04"}).json()["results"]
    assert [row["code"] for row in rows] == [world["krk"].code]
    assert client.get("/api/v1/projects/", {"district": "IQG13Q01"}).json()["results"] == []
    assert client.get("/api/v1/projects/", {"district": "IQG99Q99"}).status_code == 400
