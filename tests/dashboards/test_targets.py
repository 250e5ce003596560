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
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
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
    with django_assert_max_num_queries(17):
        client.get(url, {"as_of": "2018-06-30"})


def test_a_split_target_names_its_category_in_words(client, world):
    """The category in words ("female"), not its stored code ("sex=f")."""
    client.force_login(world["manager"])
    form = {"definition": "people-reached", "period": "2018", "split": "sex=f", "value": "40"}
    assert client.post(_page(), form).status_code == 302
    page = client.get(_page(), {"as_of": "2018-06-30"}).content.decode()
    assert "CRP · female" in page and "sex=f</td>" not in page


def test_the_programme_dashboards_targets_are_cached_until_a_target_changes(
    client, world, django_assert_max_num_queries
):
    _target(world, value=200)  # 60 of 200 by June: behind
    client.force_login(world["manager"])
    url = reverse("dashboards:programme", args=["CRP"])
    client.get(url, {"as_of": "2018-06-30"})
    # Session, user and data stamp: the targets' progress comes from the cache.
    with django_assert_max_num_queries(3):
        again = client.get(url, {"as_of": "2018-06-30"}).content.decode()
    assert 'data-status="behind"' in again and "30%" in again
    _target(world, value=100)  # the same target, now 60 of 100: on track
    changed = client.get(url, {"as_of": "2018-06-30"}).content.decode()
    assert 'data-status="on_track"' in changed and "60%" in changed


def _monthly_targets(world, years):
    """A target of people reached for each month of ``years``."""
    Target.objects.bulk_create(
        Target(
            definition=world["people"],
            programme=world["crp"],
            period_start=dt.date(year, month, 1),
            period_end=dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1),
            value=Decimal(10),
        )
        for year in years
        for month in range(1, 13)
    )


def test_the_programme_dashboard_shows_a_few_targets_the_current_ones_first(client, world):
    """A programme may have thousands of targets (per project, place, split
    and month): its dashboard shows ten, those of the day's period first,
    and says how many there are in all, with the link to see them."""
    _monthly_targets(world, (2016, 2017, 2018))
    _monthly_targets(world, (2019,))  # to come: after those ended
    client.force_login(world["manager"])
    url = reverse("dashboards:programme", args=["CRP"])
    response = client.get(url, {"as_of": "2018-06-30"})
    shown = [p.target.period_start for p in response.context["data"]["targets"]]
    # the day's month, then those ended, the latest first
    assert shown == [dt.date(2018, 6, 1), *(dt.date(2018, m, 1) for m in (5, 4, 3, 2, 1))] + [
        dt.date(2017, m, 1) for m in (12, 11, 10, 9)
    ]
    page = response.content.decode()
    assert page.count("<tr data-target=") == 10
    assert (
        "Showing 10 of 48 targets" in page and reverse("dashboards:targets", args=["CRP"]) in page
    )


def test_the_targets_page_shows_fifty_a_page(client, world):
    _monthly_targets(world, (2014, 2015, 2016, 2017, 2018))
    client.force_login(world["manager"])
    first = client.get(_page(), {"as_of": "2018-06-30"}).content.decode()
    assert first.count("<tr data-target=") == 50 and "Page 1 of 2" in first
    second = client.get(_page(), {"as_of": "2018-06-30", "page": 2}).content.decode()
    assert second.count("<tr data-target=") == 10 and "Page 2 of 2" in second


def test_a_target_typed_or_imported_in_arabic_indic_digits(client, world):
    client.force_login(world["manager"])
    page = client.get(_page()).content.decode()
    assert 'type="text" name="value" inputmode="decimal"' in page  # a number box takes no ٠-٩
    form = {"definition": "people-reached", "period": "2018", "value": "١٬٢٠٠٫٥"}
    assert client.post(_page(), form).status_code == 302
    assert Target.objects.get().value == Decimal("1200.5")
    rows = "indicator,programme,project,period,place,target\npeople-reached,CRP,,2018-Q1,,٣٬٥٠٠\n"
    upload = SimpleUploadedFile("targets.csv", rows.encode(), content_type="text/csv")
    client.post(reverse("dashboards:targets_import", args=["CRP"]), {"file": upload})
    assert sorted(Target.objects.values_list("value", flat=True)) == [1200.5, 3500]
