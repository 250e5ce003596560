"""One cell of a CSV or XLSX download, made safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage
return, which some spreadsheets strip before reading the rest) would run as a
formula in Excel or LibreOffice. Such text gets a leading apostrophe, which
spreadsheets show as text and do not display. Numbers, dates and booleans are
never user text and pass through unchanged (a negative number stays a number).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` for a CSV/XLSX cell: text that a spreadsheet would run as a
    formula gets a leading ``'``; None becomes ""; other types are unchanged."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal, dt.date, dt.datetime)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _text_cleaned(value):
    """``value`` with the control characters a spreadsheet file cannot hold
    removed (NUL, form feed ...; tab and newlines stay), before ``safe_cell``
    looks at its first character: "\x01=1+1" must not become "=1+1"."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_cell(value):
    """``safe_cell`` for an XLSX cell: also drops the control characters an
    XLSX file cannot hold (openpyxl refuses them: one pasted form feed would
    break the whole download), and gives an aware datetime as local time
    without a zone (Excel has no time zones)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return safe_cell(_text_cleaned(value))


def csv_cell(value):
    """``safe_cell`` for a CSV cell, with the same control characters dropped,
    dates in ISO 8601 and an aware datetime in local time
    (e.g. 2026-11-23T17:45:00+03:00)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell(_text_cleaned(value))
