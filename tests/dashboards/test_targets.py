"""The targets page of a programme and the programme dashboard's progress
bars, as a manager, a monitor and a donor use them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.engine import recompute_full
from indicators.models import Target
from indicators.target_services import target_set
from tests.access_world import access_world
from tests.indicators.conftest import define, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = access_world()
    world["people"] = define("people-reached", source="assistance", measure="people")
    record(world["krk"], on=dt.date(2018, 2, 1), households=60, people=60)
    recompute_full()
    return world


def _page(code="CRP"):
    return reverse("dashboards:targets", args=[code])


def _target(world, value=100):
    return target_set(
        user=world["admin"],
        fields={
            "definition": world["people"],
            "programme": world["crp"],
            "period_start": dt.date(2018, 1, 1),
            "period_end": dt.date(2018, 12, 31),
            "value": Decimal(value),
        },
    )


def test_a_manager_sets_a_target_on_the_page_and_sees_it_on_track(client, world):
    client.force_login(world["manager"])
    form = {"definition": "people-reached", "period": "2018", "place": "Kirkuk", "value": "100"}
    response = client.post(_page(), form)
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.programme, target.governorate, target.value) == (
        world["crp"],
        world["kirkuk"],
        100,
    )
    page = client.get(_page(), {"as_of": "2018-06-30"}).content.decode()
    assert 'data-status="on_track"' in page and "60%" in page  # 60 of 100, half the year gone
    assert "Set a target" in page


def test_a_bad_period_is_said_on_its_field(client, world):
    client.force_login(world["manager"])
    response = client.post(
        _page(), {"definition": "people-reached", "period": "2018-Q9", "value": "5"}
    )
    assert response.status_code == 400
    assert "2018-Q2" in response.content.decode() and not Target.objects.exists()


def test_another_programmes_manager_cannot_open_or_write_it(client, world):
    target = _target(world)
    client.force_login(world["other_manager"])
    assert client.get(_page()).status_code == 404
    delete = reverse("dashboards:target_delete", args=["RRP", target.pk])
    assert client.post(delete).status_code == 404
    assert Target.objects.exists()


def test_a_monitor_and_a_donor_read_without_a_form(client, world):
    _target(world)
    client.force_login(world["owner"])  # a Kirkuk monitor: CRP has a project there
    page = client.get(_page()).content.decode()
    assert "Set a target" not in page and "data-target" not in page  # a programme-wide target
    assert (
        client.post(
            _page(), {"definition": "people-reached", "period": "2018", "value": "1"}
        ).status_code
        == 200
    )
    assert Target.objects.count() == 1
    client.force_login(world["donor"])
    page = client.get(_page()).content.decode()
    assert "Set a target" not in page and "data-target" not in page


def test_an_import_with_a_bad_row_names_it_and_sets_nothing(client, world):
    client.force_login(world["manager"])
    rows = (
        "indicator,programme,project,period,place,target\n"
        "people-reached,CRP,,2018,,100\n"
        "people-reached,CRP,,2018,Atlantis,100\n"
    )
    upload = SimpleUploadedFile("targets.csv", rows.encode(), content_type="text/csv")
    response = client.post(
        reverse("dashboards:targets_import", args=["CRP"]), {"file": upload}, follow=True
    )
    page = response.content.decode()
    assert "Row 3" in page and "Atlantis" in page and "Nothing was imported" in page
    assert not Target.objects.exists()


def test_the_programme_dashboard_shows_actual_against_target(
    client, world, django_assert_max_num_queries
):
    _target(world, value=200)  # 60 of 200 by June: behind
    client.force_login(world["manager"])
    url = reverse("dashboards:programme", args=["CRP"])
    response = client.get(url, {"as_of": "2018-06-30"})
    page = response.content.decode()
    assert "Actual against target" in page
    assert 'data-status="behind"' in page and "30%" in page
    (progress,) = response.context["data"]["targets"]
    assert progress.actual == 60
    # The targets cost a fixed number of queries, whatever their number.
    for year in (2019, 2020, 2021):
        target_set(user=world["admin"], fields={
            "definition": world["people"], "programme": world["crp"], "value": Decimal(1),
            "period_start": dt.date(year, 1, 1), "period_end": dt.date(year, 12, 31)})  # fmt: skip
    with django_assert_max_num_queries(24):
        client.get(url, {"as_of": "2018-06-30"})


def test_a_split_target_names_its_category_in_words(client, world):
    """"Women", not the stored code "sex=f"."""
    client.force_login(world["manager"])
    form = {"definition": "people-reached", "period": "2018", "split": "sex=f", "value": "40"}
    assert client.post(_page(), form).status_code == 302
    page = client.get(_page(), {"as_of": "2018-06-30"}).content.decode()
    assert "CRP · female" in page and "sex=f</td>" not in page
