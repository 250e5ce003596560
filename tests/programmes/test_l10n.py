"""Numbers and dates as people in Iraq write and read them (programmes.l10n)."""

import datetime as dt

import pytest
from django.utils import translation

from programmes.l10n import (
    LocalDateField,
    digits_activate,
    digits_reset,
    fold,
    number_text,
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
