"""Numbers and dates as people in Iraq write and read them.

Input: field staff type Arabic-Indic (٠–٩) or Persian (۰–۹) digits, and
month names in Arabic (the Iraqi "كانون الثاني" and the "يناير" of other
countries) or in Kurdish (Sorani, "کانوونی دووەم"). ``western_digits`` and
``parse_day`` read them in forms (``LocalDateField``), the API and imports;
``number_typed`` reads numbers ("١٬٢٠٠٫٥") for ``LocalIntegerField`` and
``LocalDecimalField``, text boxes with a digits keyboard (a number box
refuses those digits in the browser).

Display: numbers are formatted by Django (grouped, see
``iomdash/formats/<language>/formats.py``); ``number_text`` does it and, where
the user chose Arabic-Indic digits (``digits_activate``, set for each request
by ``programmes.middleware.DigitsMiddleware``), writes them with ٠–٩, ٬ and ٫.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
import unicodedata
from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DECIMAL = "٫"
ARABIC_THOUSANDS = "٬"

_TO_WESTERN = str.maketrans(
    ARABIC_INDIC + PERSIAN + ARABIC_DECIMAL + ARABIC_THOUSANDS, "0123456789" * 2 + ".,"
)
_TO_ARABIC = str.maketrans("0123456789.,", ARABIC_INDIC + ARABIC_DECIMAL + ARABIC_THOUSANDS)

# Digits shown on pages: "latn" (0-9, the default) or "arab" (٠-٩).
DIGIT_SYSTEMS = ("latn", "arab")
_digits: contextvars.ContextVar[str] = contextvars.ContextVar("digits", default="latn")


def western_digits(text: str) -> str:
    """``text`` with Arabic-Indic and Persian digits, and the Arabic decimal
    and thousands separators, written as 0-9, "." and ","."""
    return text.translate(_TO_WESTERN)


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def number_typed(text: str) -> str:
    """A number as people type it, in any of the three digit systems, with
    "٫" or "." before the fraction and "٬" or "," between thousands
    ("١٬٢٠٠٫٥", "1,200.5", "۱۲"), written for ``int`` and ``Decimal``:
    "1200.5". Commas that do not group thousands are kept ("12,5" stays
    refused, never read as 125)."""
    text = western_digits(text.strip())
    return text.replace(",", "") if _GROUPED.fullmatch(text) else text


def digits_activate(system: str) -> contextvars.Token:
    """Show numbers with ``system``'s digits ("latn" or "arab"; anything else
    is "latn") in this request or task, until ``digits_reset(token)``."""
    return _digits.set(system if system in DIGIT_SYSTEMS else "latn")


def digits_active() -> str:
    """The digit system numbers are shown in now: "latn" or "arab"."""
    return _digits.get()


def digits_reset(token: contextvars.Token) -> None:
    _digits.reset(token)


def localise_digits(text: str) -> str:
    """``text`` with its digits and separators in the active digit system."""
    return text.translate(_TO_ARABIC) if _digits.get() == "arab" else text


def number_text(value: int | float | Decimal, decimal_pos: int | None = None) -> str:
    """A number for people: grouped by thousands in the active language, in
    the active digits, e.g. 149391000 -> "149,391,000" or "١٤٩٬٣٩١٬٠٠٠".
    Rounded to ``decimal_pos`` places (Django's own formatting cuts them off:
    4.16 would be "4.1")."""
    if decimal_pos is not None:
        value = round(value, decimal_pos)
    return localise_digits(number_format(value, decimal_pos=decimal_pos, force_grouping=True))


# --- Month names ------------------------------------------------------------------

_MONTH_NAMES = {
    1: ("january", "jan", "كانون الثاني", "يناير", "کانوونی دووەم"),
    2: ("february", "feb", "شباط", "فبراير", "شوبات"),
    3: ("march", "mar", "آذار", "مارس", "ئازار"),
    4: ("april", "apr", "نيسان", "أبريل", "ابريل", "نیسان"),
    5: ("may", "أيار", "مايو", "ئایار"),
    6: ("june", "jun", "حزيران", "يونيو", "يونيه", "حوزەیران"),
    7: ("july", "jul", "تموز", "يوليو", "يوليه", "تەمموز", "تەممووز"),
    8: ("august", "aug", "آب", "أغسطس", "ئاب"),
    9: ("september", "sep", "sept", "أيلول", "سبتمبر", "ئەیلوول", "ئەیلول"),
    10: ("october", "oct", "تشرين الأول", "أكتوبر", "تشرینی یەکەم"),
    11: ("november", "nov", "تشرين الثاني", "نوفمبر", "تشرینی دووەم"),
    12: ("december", "dec", "كانون الأول", "ديسمبر", "کانوونی یەکەم"),
}

# Letters typed interchangeably: alif with hamza or madda, teh marbuta and
# alif maqsura, which place names are compared without (``programmes.places``) ...
ARABIC_LETTER_VARIANTS = {"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"}
# ... and, for month names, alif wasla and the yeh, kaf and ae of Kurdish keyboards too.
_FOLD = str.maketrans({**ARABIC_LETTER_VARIANTS, "ٱ": "ا", "ی": "ي", "ک": "ك", "ە": "ه"})


def fold(text: str) -> str:
    """``text`` as compared: case, Arabic diacritics and tatweel, letter
    variants (أ/ا, ی/ي, ک/ك...) and repeated spaces ignored."""
    text = "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) != "Mn")
    return " ".join(text.replace("ـ", "").translate(_FOLD).casefold().split())


MONTHS: dict[str, int] = {
    fold(name): number for number, names in _MONTH_NAMES.items() for name in names
}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?")  # a time is ignored
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_NAMED = re.compile(r"(\d{1,2})\s+(.+?)\s+(\d{4})")


def parse_day(text: str) -> dt.date | None:
    """A day written as people here write it: 2026-10-05, 05/10/2026 (day
    first), "5 October 2026", "٥ تشرين الأول ٢٠٢٦", "5 تشرینی یەکەم 2026";
    digits of any of the three systems. None when ``text`` is none of these
    or not a real day."""
    text = " ".join(western_digits(text).replace("،", " ").replace(",", " ").split())
    day = month = year = None
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DMY.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _NAMED.fullmatch(text)) and fold(match.group(2).rstrip(".")) in MONTHS:
        day, year = int(match.group(1)), int(match.group(3))
        month = MONTHS[fold(match.group(2).rstrip("."))]
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


class LocalDateField(forms.DateField):
    """A date field that also reads Arabic-Indic and Persian digits and
    Arabic and Kurdish month names (``parse_day``). Native date inputs send
    2026-10-05 whatever the language; typed dates come as people write them."""

    default_error_messages = {
        "invalid": _("Enter a date, day first: 05/10/2026, 2026-10-05 or 5 October 2026."),
    }

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            day = parse_day(value)
            if day is not None:
                return day
        return super().to_python(value)


# --- Numbers typed in forms ---------------------------------------------------


class CountInput(forms.TextInput):
    """A count typed on a phone: a text box with the digits keyboard, not a
    number box, which refuses ٠-٩ and ۰-۹ on many phones' keyboards (the
    field reads them: ``LocalIntegerField``)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


class DecimalInput(forms.TextInput):
    """An amount, a budget, a target or a survey figure: a text box with the
    keyboard of digits and a decimal separator (see ``CountInput``)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class LocalIntegerField(forms.IntegerField):
    """A whole number typed in any digits, thousands grouped or not (``number_typed``)."""

    widget = CountInput

    def to_python(self, value):
        return super().to_python(number_typed(value) if isinstance(value, str) else value)


class LocalDecimalField(forms.DecimalField):
    """A decimal number typed in any digits, with "٫" or "." before its
    fraction and thousands grouped or not (``number_typed``)."""

    widget = DecimalInput

    def to_python(self, value):
        return super().to_python(number_typed(value) if isinstance(value, str) else value)
