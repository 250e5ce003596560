"""A programme's project and contribution pages: reached from the programme
page; its managers and administrators enter and edit, others in scope read,
others again are refused. A contribution is entered in its currency and
priced at the rate of its date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from programmes.models import Contribution, ExchangeRate, Project
from tests.api.conftest import _world_for_module, world  # noqa: F401 (the fixtures)

pytestmark = pytest.mark.django_db

PROJECT = {
    "code": "KRK-02",
    "name_en": "Water network",
    "governorate": "",
    "district": "",
    "sector": "",
    "kind": "infrastructure",
    "status": "ongoing",
    "donor": "",
    "start_date": "2018-01-01",
    "budget_usd": "250000",
}


def project_body(world, **changes) -> dict:  # noqa: F811
    return {
        **PROJECT,
        "governorate": world["kirkuk"].pk,
        "sector": world["livelihoods"].pk,
        "donor": world["usa"].pk,
        **changes,
    }


def given(world, **changes) -> dict:  # noqa: F811
    return {
        "donor": world["usa"].pk,
        "currency": "EUR",
        "amount": "1000",
        "date": "2018-05-31",
        "period_start": "2018-05-01",
        "period_end": "2018-12-31",
        "reference": "EU-1",
        **changes,
    }


def url(name: str, code: str, *args) -> str:
    return reverse(f"dashboards:{name}", args=[code, *args])


def signed_in(client, user):
    client.force_login(user)
    return client


def test_a_manager_reaches_enters_and_edits_projects_of_their_programme(client, world):  # noqa: F811
    maria = signed_in(client, world["maria"])
    page = maria.get(reverse("dashboards:programme", args=["CRP"])).content.decode()
    assert url("project_list", "CRP") in page and url("contribution_list", "CRP") in page
    listed = maria.get(url("project_list", "CRP")).content.decode()
    assert "KRK-01" in listed and url("project_new", "CRP") in listed

    response = maria.post(url("project_new", "CRP"), project_body(world))
    assert response.status_code == 302, response.content.decode()[-2000:]
    project = Project.objects.get(code="KRK-02")
    assert project.programme == world["crp"] and project.governorate == world["kirkuk"]
    assert project.history.first().history_user == world["maria"]

    edit = url("project_edit", "CRP", project.pk)
    assert edit in maria.get(url("project_list", "CRP")).content.decode()
    form = maria.get(edit).content.decode()
    assert 'name="name_ar"' in form and 'lang="ar" dir="rtl"' in form  # typed right to left
    response = maria.post(
        edit, project_body(world, name_en="Pipes", name_ar="أنابيب", status="completed")
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.status) == ("Pipes", "completed")
    with translation.override("ar"):
        assert project.name == "أنابيب"


def test_a_manager_gives_a_project_several_places_or_none_on_the_page(client, world):  # noqa: F811
    """The project page takes the places covered as the admin does: names or
    P-codes, several, or none for a national project; the one place
    follows."""
    maria = signed_in(client, world["maria"])
    form = maria.get(url("project_new", "CRP")).content.decode()
    assert 'name="coverage"' in form and "Places covered" in form
    body = project_body(world, governorate="", coverage="Kirkuk, IQG02")
    response = maria.post(url("project_new", "CRP"), body)
    assert response.status_code == 302, response.content.decode()[-2000:]
    project = Project.objects.get(code="KRK-02")
    covered = sorted(project.coverage.values_list("governorate__pcode", flat=True))
    assert covered == ["IQG02", "IQG13"]
    edit = url("project_edit", "CRP", project.pk)
    assert "IQG02\nIQG13" in maria.get(edit).content.decode()

    response = maria.post(edit, {**body, "coverage": "", "national": "on"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    project.refresh_from_db()
    assert project.national and not project.coverage.exists()

    response = maria.post(edit, {**body, "coverage": "Atlantis"})
    assert response.status_code == 200 and "Atlantis" in response.content.decode()


def test_a_bad_project_is_shown_again_with_its_error(client, world):  # noqa: F811
    maria = signed_in(client, world["maria"])
    response = maria.post(url("project_new", "CRP"), project_body(world, start_date="2015-01-01"))
    assert response.status_code == 200
    assert "outside its programme" in response.content.decode()
    assert not Project.objects.filter(code="KRK-02").exists()


def test_a_manager_cannot_reach_another_programmes_forms(client, world):  # noqa: F811
    maria = signed_in(client, world["maria"])
    assert maria.get(url("project_new", "RRP")).status_code == 404
    assert maria.post(url("project_new", "RRP"), project_body(world)).status_code == 404
    assert maria.get(url("project_edit", "CRP", world["bsr"].pk)).status_code == 404
    other = world["contribution_can"].pk
    assert maria.get(url("contribution_edit", "CRP", other)).status_code == 404
    assert not Project.objects.filter(code="KRK-02").exists()


def test_a_manager_who_sees_a_programme_through_a_governorate_only_reads_it(client, world):  # noqa: F811
    world["mark"].profile.governorates.add(world["kirkuk"])
    mark = signed_in(client, world["mark"])
    listed = mark.get(url("project_list", "CRP"))
    assert listed.status_code == 200 and "KRK-01" in listed.content.decode()
    assert url("project_new", "CRP") not in listed.content.decode()
    assert mark.post(url("project_new", "CRP"), project_body(world)).status_code == 403


@pytest.mark.parametrize("who", ["alice", "dora"])
def test_monitors_and_donors_write_nothing(client, world, who):  # noqa: F811
    user = signed_in(client, world[who])
    listed = user.get(url("project_list", "CRP"))
    assert listed.status_code == 200 and "KRK-01" in listed.content.decode()
    assert url("project_new", "CRP") not in listed.content.decode()
    assert user.get(url("project_new", "CRP")).status_code == 403
    assert user.post(url("project_new", "CRP"), project_body(world)).status_code == 403
    edit = url("project_edit", "CRP", world["krk"].pk)
    assert user.post(edit, project_body(world, name_en="x")).status_code == 403
    assert user.post(url("contribution_new", "CRP"), given(world)).status_code == 403
    assert not Project.objects.filter(code="KRK-02").exists()
    assert Contribution.objects.count() == 2


def test_a_contribution_in_euros_is_priced_at_the_rate_of_its_date(client, world):  # noqa: F811
    for day, rate in ((dt.date(2018, 1, 1), "1.10"), (dt.date(2018, 6, 1), "1.20")):
        ExchangeRate.objects.create(currency="EUR", valid_from=day, usd_per_unit=Decimal(rate))
    maria = signed_in(client, world["maria"])
    listed = maria.get(url("contribution_list", "CRP")).content.decode()
    assert url("contribution_new", "CRP") in listed

    response = maria.post(url("contribution_new", "CRP"), given(world))
    assert response.status_code == 302, response.content.decode()[-2000:]
    contribution = Contribution.objects.get(reference="EU-1")
    assert contribution.programme == world["crp"]
    assert (contribution.currency, contribution.amount) == ("EUR", Decimal("1000"))
    assert contribution.amount_usd == Decimal("1100.00")

    # Moved to June, it is priced at June's rate.
    edit = url("contribution_edit", "CRP", contribution.pk)
    assert maria.post(edit, given(world, date="2018-06-15")).status_code == 302
    contribution.refresh_from_db()
    assert (contribution.usd_rate, contribution.amount_usd) == (Decimal("1.2"), Decimal("1200"))
    listed = maria.get(url("contribution_list", "CRP")).content.decode()
    assert "EUR 1,000.00" in listed and "1,200.00" in listed

    refused = maria.post(url("contribution_new", "CRP"), given(world, currency="SEK"))
    assert refused.status_code == 200
    assert "No exchange rate for SEK on 2018-05-31" in refused.content.decode()
    assert Contribution.objects.filter(currency="SEK").count() == 0


def test_an_administrator_writes_every_programmes_contributions(client, world):  # noqa: F811
    admin = signed_in(client, world["admin"])
    response = admin.post(url("contribution_new", "RRP"), given(world, currency="USD"))
    assert response.status_code == 302
    assert Contribution.objects.filter(programme=world["rrp"], reference="EU-1").exists()


def test_the_project_and_contribution_forms_name_every_field_in_arabic(client, world):  # noqa: F811
    maria = signed_in(client, world["maria"])
    maria.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    project = maria.get(url("project_new", "CRP")).content.decode()
    assert "القطاع" in project and ">Sector" not in project
    contribution = maria.get(url("contribution_new", "CRP")).content.decode()
    assert "جهة مانحة" in contribution and ">Donor" not in contribution
