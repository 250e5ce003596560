"""Every admin page of a record opens, on one row of every model the admin
shows (``tests/test_admin.py``'s ``records_create``), built once for the
module's tests instead of once for each of its eighty (``tests/shared_data.py``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from programmes.models import Project
from tests.shared_data import shared_for_module
from tests.test_admin import (
    HISTORY_MODELS,
    OUR_MODELS,
    activity_type_create,
    admin_url,
    label,
    monitor_create,
    project_create,
    records_create,
)

pytestmark = pytest.mark.django_db


@shared_for_module
def records() -> Project:
    """One row of every model the admin shows, around a project."""
    return records_create(project_create(), activity_type_create(), monitor_create())


@pytest.mark.parametrize("model", [*OUR_MODELS, User], ids=label)
def test_changelist_and_change_page_show_a_record(admin_client, records, model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the fixture makes no {label(model)}"

    listing = admin_client.get(admin_url(model, "changelist"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count >= 1

    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=label)
def test_history_page_opens(admin_client, records, model):
    obj = model._default_manager.order_by("pk").first()
    response = admin_client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200
