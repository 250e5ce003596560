"""Dates and numbers in Arabic pages: day first as in every language here
(iomdash/formats/en/formats.py), and thousands grouped. Django's own Arabic
formats group nothing (no NUMBER_GROUPING) and use "." between thousands,
so "149,391,000" became "149391000".

Separators are the Western ones, which the digits of a page default to;
``programmes.l10n.localise_digits`` turns them into ٬ and ٫ together with
the digits where a user asks for Arabic-Indic digits."""

from iomdash.formats.en.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    YEAR_MONTH_FORMAT,
)

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
