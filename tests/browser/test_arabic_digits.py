"""A monitor with an Arabic keyboard on a 360-px phone types the visit's
counts in Arabic-Indic digits (and Persian ones, as Kurdish keyboards give)
and submits: the counts are text boxes with the digits keyboard, not number
boxes, which take no such digit."""

from __future__ import annotations

import pytest
from django.conf import settings

from beneficiaries.models import AssistanceRecord, MonitoringVisit
from tests.beneficiaries.test_services import build_world
from tests.factories import PASSWORD


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_counts_typed_in_arabic_indic_digits_are_saved(phone_page, world):
    phone_page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": phone_page.base_url}]
    )
    phone_page.login("alice", PASSWORD)
    phone_page.goto("/visits/new/")
    page = phone_page.page
    assert page.evaluate("document.documentElement.dir") == "rtl"
    units = page.locator("input[name='lines-0-units']")
    assert (units.get_attribute("type"), units.get_attribute("inputmode")) == ("text", "numeric")
    page.fill("input[name=visit_date]", "2018-03-05")
    page.select_option("select[name=project]", str(world["project"].pk))
    page.select_option("select[name='lines-0-activity_type']", str(world["bsp"].pk))
    # As a phone's keyboard types them, key by key.
    page.locator("input[name='lines-0-units']").press_sequentially("١٢")
    page.locator("input[name='lines-0-households']").press_sequentially("٦")
    page.locator("input[name='lines-0-people']").press_sequentially("٣٠")
    page.locator("input[name='lines-0-household_size']").press_sequentially("۵")
    page.fill("textarea[name=findings]", "المحلات مفتوحة")
    page.click("button[name=save]")
    page.wait_for_load_state()
    visit = MonitoringVisit.objects.get()
    assert page.url.endswith(f"/visits/{visit.pk}/edit/"), page.url
    record = AssistanceRecord.objects.get(visit=visit)
    assert (record.units, record.households, record.people, record.household_size) == (
        12,
        6,
        30,
        5,
    )
    assert phone_page.errors == []
