"""A visit, and the assistance lines it verifies, can name the place it went
to (a sub-district, district or governorate): inside the project's coverage;
the lines take the visit's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from beneficiaries import services
from programmes.models import SubDistrict
from tests.beneficiaries.test_services import build_world
from tests.factories import district
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db
DAY = dt.date(2018, 3, 1)


@shared_for_module
def world():
    return build_world()


def sub(pcode: str) -> SubDistrict:
    return SubDistrict.objects.get(pcode=pcode)


def line(world, visit):
    return services.assistance_line_save(
        visit=visit,
        user=world["alice"],
        activity_type=world["bsp"],
        units=1,
        households=1,
        people=2,
        household_size=None,
        recipients={},
    )


def test_a_visit_to_a_subdistrict_of_the_governorate_gives_it_to_its_lines(world):
    visit = services.visit_create(
        user=world["alice"],
        project=world["project"],
        visit_date=DAY,
        place=sub("IQG13Q01N01"),  # Markaz Al-Hawiga, in Kirkuk
    )
    record = line(world, visit)
    assert record.subdistrict.pcode == "IQG13Q01N01"
    assert record.subdistrict.district.governorate == world["project"].governorate


def test_a_subdistrict_outside_the_project_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.visit_create(
            user=world["alice"],
            project=world["project"],
            visit_date=DAY,
            place=sub("IQG15Q05N01"),  # Al-Qayarra, in Ninewa
        )
    code = world["project"].code
    assert error.value.message_dict["place"] == [
        f"Al-Qayarra (IQG15Q05N01, sub-district of Al-Mosul) is outside the places {code} "
        "covers: Kirkuk."
    ]
    world["project"].district = district("IQG13Q04")
    world["project"].save()
    with pytest.raises(ValidationError) as error:
        services.visit_create(
            user=world["alice"],
            project=world["project"],
            visit_date=DAY,
            place=sub("IQG13Q01N01"),
        )
    assert error.value.message_dict["place"] == [
        f"Markaz Al-Hawiga (IQG13Q01N01, sub-district of Al-Hawiga) is outside the places "
        f"{code} covers: Kirkuk (district of Kirkuk)."
    ]


def test_moving_the_visit_moves_its_lines(world):
    visit = services.visit_create(user=world["alice"], project=world["project"], visit_date=DAY)
    record = line(world, visit)
    assert record.subdistrict is None
    services.visit_update(
        visit=visit,
        user=world["alice"],
        project=world["project"],
        visit_date=DAY,
        findings="",
        place=sub("IQG13Q04N01"),
    )
    record.refresh_from_db()
    assert record.subdistrict.pcode == "IQG13Q04N01"


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def test_the_api_takes_a_subdistrict_by_name_and_gives_its_pcode(world, api_client):
    api_client.force_authenticate(world["alice"])
    body = {"project": world["project"].pk, "visit_date": "2018-03-01", "subdistrict": "Hawija"}
    response = api_client.post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400  # Hawija is a district: a sub-district is asked for
    body["subdistrict"] = "Markaz Al-Hawiga"
    response = api_client.post("/api/v1/visits/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["subdistrict"] == "IQG13Q01N01"
    body["subdistrict"] = "Qayyarah"
    response = api_client.post("/api/v1/visits/", body, format="json")
    assert response.status_code == 400
    assert "Kirkuk" in str(response.json()["place"])


def test_the_visit_page_takes_a_subdistrict_by_name(client, world):
    from django.urls import reverse

    from beneficiaries.models import AssistanceRecord, MonitoringVisit
    from tests.beneficiaries.test_views import form_data

    client.force_login(world["alice"])
    new = reverse("beneficiaries:visit_new")
    page = client.post(new, form_data(world, place="Qayyarah")).content.decode()
    assert "Al-Qayarra (IQG15Q05N01, sub-district of Al-Mosul) is outside the places" in page
    assert not MonitoringVisit.objects.exists()
    response = client.post(new, form_data(world, place="markaz al hawiga"))
    assert response.status_code == 302
    visit = MonitoringVisit.objects.get()
    assert visit.subdistrict.pcode == "IQG13Q01N01"
    assert AssistanceRecord.objects.get(visit=visit).subdistrict == visit.subdistrict
    page = client.get(reverse("beneficiaries:visit_edit", args=[visit.pk])).content.decode()
    assert 'value="IQG13Q01N01"' in page
