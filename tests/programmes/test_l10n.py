"""Numbers and dates as people in Iraq write and read them (programmes.l10n)."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from programmes.l10n import (
    LocalDateField,
    LocalDecimalField,
    LocalIntegerField,
    digits_activate,
    digits_reset,
    fold,
    number_text,
    number_typed,
    parse_day,
    western_digits,
)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-10-05", dt.date(2026, 10, 5)),
        ("2026-10-05 00:00:00", dt.date(2026, 10, 5)),
        ("05/10/2026", dt.date(2026, 10, 5)),
        ("٠٥/١٠/٢٠٢٦", dt.date(2026, 10, 5)),
        ("۰۵/۱۰/۲۰۲۶", dt.date(2026, 10, 5)),
        ("٢٠٢٦-١٠-٠٥", dt.date(2026, 10, 5)),
        ("5 October 2026", dt.date(2026, 10, 5)),
        ("5 Sept 2026", dt.date(2026, 9, 5)),
        # Iraqi Arabic month names, two words included, and the other countries' names
        ("٥ تشرين الأول ٢٠٢٦", dt.date(2026, 10, 5)),
        ("5 تشرين الثاني 2026", dt.date(2026, 11, 5)),
        ("3 كانون الثاني، 2019", dt.date(2019, 1, 3)),
        ("3 كانون الأول 2019", dt.date(2019, 12, 3)),
        ("1 ايار 2018", dt.date(2018, 5, 1)),  # أيار typed without its hamza
        ("25 أبريل 2017", dt.date(2017, 4, 25)),
        # Kurdish (Sorani), on a Kurdish keyboard and on an Arabic one
        ("5 تشرینی یەکەم 2026", dt.date(2026, 10, 5)),
        ("٥ كانووني دووهم ٢٠٢٦", dt.date(2026, 1, 5)),
        ("12 حوزەیران 2018", dt.date(2018, 6, 12)),
    ],
)
def test_days_are_read_as_people_write_them(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["31/02/2020", "5 Brumaire 2020", "2020", "10/2020", ""])
def test_what_is_not_a_day_is_none(text):
    assert parse_day(text) is None


def test_digits_and_separators_become_western():
    assert western_digits("١٢٬٣٤٥٫٥ ۶۷") == "12,345.5 67"
    assert fold("أَيّار") == fold("ايار")


def test_the_date_field_reads_local_digits_and_months_and_says_what_it_wants():
    field = LocalDateField()
    assert field.clean("٠٥/١٠/٢٠٢٦") == dt.date(2026, 10, 5)
    assert field.clean("5 تشرینی یەکەم 2026") == dt.date(2026, 10, 5)
    with pytest.raises(Exception) as refused:
        field.clean("5 Brumaire 2026")
    assert "day first" in str(refused.value)


@pytest.mark.parametrize("language", ["en", "ar", "ckb"])
def test_thousands_are_grouped_in_every_language(language):
    # Django's own Arabic and Kurdish formats group nothing: 149391000.
    with translation.override(language):
        assert number_text(149391000) == "149,391,000"


def test_arabic_indic_digits_when_the_user_chose_them():
    token = digits_activate("arab")
    try:
        with translation.override("ar"):
            assert number_text(149391000) == "١٤٩٬٣٩١٬٠٠٠"
            assert number_text(4.16, 1) == "٤٫٢"
    finally:
        digits_reset(token)
    assert number_text(1234) == "1,234"
    token = digits_activate("roman")  # anything unknown is Western
    try:
        assert number_text(1234) == "1,234"
    finally:
        digits_reset(token)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("١٢٫٥", "12.5"),
        ("١٬٢٠٠٫٧٥", "1200.75"),
        ("۱۲۵۰", "1250"),
        ("1,250,000", "1250000"),
        (" ٣٠٠٬٠٠٠ ", "300000"),
        ("12,5", "12,5"),  # not thousands: left for the field to refuse, never 125
        ("1,2,3", "1,2,3"),
    ],
)
def test_numbers_are_read_as_people_type_them(text, number):
    assert number_typed(text) == number


class Amounts(forms.Form):
    amount = LocalDecimalField(max_digits=14, decimal_places=2, min_value=0)
    count = LocalIntegerField(min_value=0)


def test_number_fields_read_arabic_digits_and_separators_in_text_boxes():
    form = Amounts({"amount": "١٬٢٥٠٫٥", "count": "۱٬۲۰۰"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"amount": Decimal("1250.5"), "count": 1200}
    # A number box (type=number) refuses ٠-٩ in the browser: text boxes with the
    # digits keyboard, with and without the decimal separator.
    for name, keyboard in (("amount", "decimal"), ("count", "numeric")):
        attrs = form[name].field.widget.get_context(name, "", {})["widget"]["attrs"]
        assert (form[name].field.widget.input_type, attrs["inputmode"]) == ("text", keyboard)
    refused = Amounts({"amount": "١٢,٥", "count": "٣"})
    assert not refused.is_valid() and "amount" in refused.errors
