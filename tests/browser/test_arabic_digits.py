"""A monitor with an Arabic or Kurdish keyboard on a 360-px phone types the
visit's counts in Arabic-Indic digits (and Persian ones, as Kurdish
keyboards give) and submits: the counts are text boxes with the digits
keyboard, not number boxes, which take no such digit. A manager types a
contribution's amount the same way, with its decimal separator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings

from beneficiaries.models import AssistanceRecord, MonitoringVisit
from programmes.models import Contribution
from tests.beneficiaries.test_services import build_world


@pytest.fixture
def world(transactional_db):
    return build_world()


def _in(tab, language: str) -> None:
    tab.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": tab.base_url}]
    )


@pytest.mark.parametrize("language", ["ar", "ckb"])
def test_counts_typed_in_arabic_indic_digits_are_saved(phone_page, world, language):
    _in(phone_page, language)
    phone_page.sign_in("alice")
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


def test_an_amount_typed_in_arabic_indic_digits_is_saved(phone_page, world):
    _in(phone_page, "ar")
    phone_page.sign_in("maria")
    phone_page.goto("/dashboards/programme/CRP/contributions/new/")
    page = phone_page.page
    amount = page.locator("input[name=amount]")
    assert (amount.get_attribute("type"), amount.get_attribute("inputmode")) == ("text", "decimal")
    page.select_option("select[name=donor]", str(world["project"].donor.pk))
    page.fill("input[name=currency]", "USD")
    days = {"date": "2018-05-31", "period_start": "2018-05-01", "period_end": "2018-12-31"}
    for name, day in days.items():
        page.fill(f"input[name={name}]", day)
    amount.press_sequentially("١٬٢٥٠٫٥")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/new/" not in page.url, page.inner_text("form")
    contribution = Contribution.objects.get()
    assert (contribution.amount, contribution.amount_usd) == (Decimal("1250.5"), Decimal("1250.5"))
    assert phone_page.errors == []
