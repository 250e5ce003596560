"""An assistance line added through a visit may carry its own date, within
the visit's period (its quarter, up to the visit's day); by default it takes
the visit's day, and moves with the visit when that changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.formats import date_format

from beneficiaries import services
from beneficiaries.models import AssistanceRecord
from tests.beneficiaries.test_services import DAY, build_world
from tests.beneficiaries.test_views import form_data
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


def day(*ymd) -> str:
    """A date as the messages print it."""
    return date_format(dt.date(*ymd), "DATE_FORMAT")


@shared_for_module
def world():
    return build_world()


def draft(world, on=DAY):
    return services.visit_create(user=world["alice"], project=world["project"], visit_date=on)


def line(world, visit, delivered_on=None, record=None):
    return services.assistance_line_save(
        visit=visit,
        user=world["alice"],
        record=record,
        activity_type=world["bsp"],
        units=1,
        households=1,
        people=2,
        household_size=None,
        recipients={},
        delivered_on=delivered_on,
    )


def test_a_line_takes_the_visits_day_unless_given_an_earlier_one(world):
    visit = draft(world)
    assert line(world, visit).delivered_on == DAY
    assert line(world, visit, dt.date(2018, 1, 20)).delivered_on == dt.date(2018, 1, 20)


@pytest.mark.parametrize(
    "when, first",
    [
        (dt.date(2018, 3, 2), day(2018, 1, 1)),  # after the visit
        (dt.date(2017, 12, 31), day(2018, 1, 1)),  # the quarter before
    ],
)
def test_a_line_dated_outside_the_visits_period_is_refused(world, when, first):
    visit = draft(world)
    with pytest.raises(ValidationError) as error:
        line(world, visit, when)
    (message,) = error.value.message_dict["delivered_on"]
    assert "within the visit's period" in message and first in message
    assert not AssistanceRecord.objects.filter(visit=visit).exists()


def test_a_line_cannot_predate_the_project(world):
    world["project"].start_date = dt.date(2018, 2, 1)
    world["project"].save()
    visit = draft(world)
    with pytest.raises(ValidationError) as error:
        line(world, visit, dt.date(2018, 1, 20))
    assert f"from {day(2018, 2, 1)}" in error.value.message_dict["delivered_on"][0]


def test_moving_the_visit_moves_its_lines_of_that_day_and_keeps_the_others(world):
    visit = draft(world)
    same, own = line(world, visit), line(world, visit, dt.date(2018, 2, 10))
    services.visit_update(
        visit=visit,
        user=world["alice"],
        project=world["project"],
        visit_date=dt.date(2018, 3, 5),
        findings="",
    )
    same.refresh_from_db()
    own.refresh_from_db()
    assert same.delivered_on == dt.date(2018, 3, 5)
    assert own.delivered_on == dt.date(2018, 2, 10)
    # Into the next quarter, the February line would fall outside the period.
    with pytest.raises(ValidationError) as error:
        services.visit_update(
            visit=visit,
            user=world["alice"],
            project=world["project"],
            visit_date=dt.date(2018, 4, 5),
            findings="",
        )
    assert f"dated {day(2018, 2, 10)}" in error.value.message_dict["visit_date"][0]


def test_the_visit_page_takes_a_lines_own_date(client, world):
    client.force_login(world["alice"])
    data = form_data(world, **{"lines-0-delivered_on": "2018-02-14"})
    response = client.post(reverse("beneficiaries:visit_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    record = AssistanceRecord.objects.get(visit__visit_date=DAY, people=5)
    assert record.delivered_on == dt.date(2018, 2, 14)
    page = client.get(response["Location"]).content.decode()
    assert 'name="lines-0-delivered_on" value="2018-02-14"' in page


def test_the_visit_page_says_when_a_lines_date_is_outside_the_period(client, world):
    client.force_login(world["alice"])
    data = form_data(world, **{"lines-0-delivered_on": "2018-03-20"})
    response = client.post(reverse("beneficiaries:visit_new"), data)
    assert response.status_code == 200
    assert "must be dated within the visit&#x27;s period" in response.content.decode()
    assert response.context["lines"].forms[0].errors["delivered_on"]
