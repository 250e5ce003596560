"""Dates on pages are day first, in one format, long or short."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format


def test_short_and_long_dates_are_the_same_day_first_format():
    with translation.override("en"):
        day = dt.date(2026, 5, 10)
        assert date_format(day, "SHORT_DATE_FORMAT") == "10 May 2026"
        assert date_format(day, "DATE_FORMAT") == "10 May 2026"
        rendered = Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ d }}').render(Context({"d": day}))
        assert rendered == "10 May 2026 10 May 2026"
