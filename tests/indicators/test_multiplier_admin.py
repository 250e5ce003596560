"""An administrator who dates a household multiplier mid-month is told, on
the field, that it must start on the first of a month."""

import datetime as dt

import pytest
from django.urls import reverse

from indicators.models import HouseholdMultiplier

pytestmark = pytest.mark.django_db

ADD = "admin:indicators_householdmultiplier_add"


def test_a_mid_month_date_is_a_field_error_not_a_constraint_message(admin_client):
    response = admin_client.post(
        reverse(ADD), {"value": "6", "effective_from": "2018-03-15", "note": ""}
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["effective_from"] == [
        "A multiplier must start on the first of a month (2018-03-01, not 2018-03-15)."
    ]
    assert "__all__" not in form.errors
    assert "multiplier_starts_on_first_of_month" not in response.content.decode()
    assert not HouseholdMultiplier.objects.filter(effective_from__year=2018).exists()


def test_the_first_of_a_month_is_saved(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = admin_client.post(
            reverse(ADD), {"value": "6", "effective_from": "2018-03-01", "note": ""}
        )
    assert response.status_code == 302
    assert HouseholdMultiplier.objects.get(effective_from=dt.date(2018, 3, 1)).value == 6
