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
