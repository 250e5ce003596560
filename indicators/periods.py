"""Calendar periods of the figures: months, quarters, half-years and years.

Every start is the period's first day and every end its last day; every
label is translated. The one place these are computed (the engine, the
selectors and the snapshots import them from here)."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _

ONE_DAY = dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - ONE_DAY


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s quarter."""
    return add_months(quarter_start(day), 3) - ONE_DAY


def half_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day: dt.date) -> dt.date:
    return add_months(half_year_start(day), 6) - ONE_DAY


def year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1, 1)


def year_end(day: dt.date) -> dt.date:
    return dt.date(day.year, 12, 31)


def is_month_end(day: dt.date) -> bool:
    return (day + ONE_DAY).day == 1


def month_label(day: dt.date) -> str:
    """ "April 2017" (translated)."""
    return date_format(day, "F Y")


def quarter_label(day: dt.date) -> str:
    """ "Q2 2018" for any day of the second quarter of 2018 (translated)."""
    return _("Q%(quarter)s %(year)s") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}


def half_year_label(day: dt.date) -> str:
    """ "H1 2018" for any day of January to June 2018 (translated)."""
    return _("H%(half)s %(year)s") % {"half": 1 if day.month <= 6 else 2, "year": day.year}


def year_label(day: dt.date) -> str:
    return str(day.year)
