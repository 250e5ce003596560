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


def period_parse(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period written as a year ("2018"), a
    half-year ("2018-H1"), a quarter ("2018-Q2") or a month ("2018-04").
    Raises ValueError on anything else."""
    raw = text.strip().upper().replace(" ", "")
    year, _sep, part = raw.partition("-")
    if not year.isdigit() or len(year) != 4:
        raise ValueError(text)
    first = dt.date(int(year), 1, 1)
    if not part:
        return first, year_end(first)
    if part[0] in "QH" and part[1:].isdigit():
        number, months = int(part[1:]), (3 if part[0] == "Q" else 6)
        if not 1 <= number <= 12 // months:
            raise ValueError(text)
        start = add_months(first, (number - 1) * months)
        return start, add_months(start, months) - ONE_DAY
    if part.isdigit() and 1 <= int(part) <= 12:
        start = dt.date(first.year, int(part), 1)
        return start, month_end(start)
    raise ValueError(text)
