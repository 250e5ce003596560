"""plotly.js in the page's language: the words of its chart toolbar and its
number and date formats, as a locale that dashboard.js registers.

plotly.js has no Kurdish locale, and its Arabic one would be another file for
a field office to fetch; so the words come from our own catalogues, with the
rest of the page's, and the months and separators from Django's formats."""

from __future__ import annotations

from django.utils import formats, translation
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _


def _toolbar() -> dict[str, str]:
    """plotly.js's English (the dictionary's keys) -> ours."""
    return {
        "Download plot as a PNG": _("Download the chart as a PNG image"),
        "Download plot": _("Download the chart"),
        "Zoom": _("Zoom"),
        "Pan": _("Move"),
        "Zoom in": _("Zoom in"),
        "Zoom out": _("Zoom out"),
        "Autoscale": _("Fit to the figures"),
        "Reset axes": _("Reset the axes"),
        "Reset": _("Reset"),
        "Reset view": _("Reset the view"),
        "Reset views": _("Reset the views"),
        "Toggle Spike Lines": _("Show or hide guide lines"),
        "Show closest data on hover": _("On hover, show the nearest figure"),
        "Compare data on hover": _("On hover, compare the figures"),
        "Double-click to zoom back out": _("Double-click to zoom back out"),
        "Sorry, there was a problem downloading your image!": _(
            "The chart could not be downloaded as an image."
        ),
    }


def plotly_locale() -> dict:
    """The active language's locale for plotly.js: ``name``, ``dictionary``,
    ``format`` (as plotly.js's own locales have it), ``separators`` (the
    layout's decimal and thousands marks) and ``rtl``."""
    language = translation.get_language() or "en"
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    thousands = formats.get_format("THOUSAND_SEPARATOR")
    sunday_first = [7, 1, 2, 3, 4, 5, 6]  # plotly.js's weeks start on Sunday
    return {
        "name": language,
        "dictionary": _toolbar(),
        "format": {
            "days": [str(WEEKDAYS[(d - 1) % 7]) for d in sunday_first],
            "shortDays": [str(WEEKDAYS_ABBR[(d - 1) % 7]) for d in sunday_first],
            "months": [str(MONTHS[m]) for m in range(1, 13)],
            "shortMonths": [str(MONTHS_3[m]) for m in range(1, 13)],
            "decimal": decimal,
            "thousands": thousands,
        },
        "separators": f"{decimal}{thousands}",
        "rtl": translation.get_language_bidi(),
    }
