"""The periods a snapshot series reports on: a month, a quarter or a year.

One place for what a cadence means: a period's first and last day, its label
("April 2017", "Q2 2018", "2018"), the marker's wording ("since last month")
and the period before it. Every label is translated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.periods import (
    ONE_DAY,
    month_end,
    month_label,
    month_start,
    quarter_end,
    quarter_label,
    quarter_start,
    year_end,
    year_label,
    year_start,
)


class Cadence(models.TextChoices):
    MONTHLY = "monthly", gettext_lazy("Monthly")
    QUARTERLY = "quarterly", gettext_lazy("Quarterly")
    ANNUAL = "annual", gettext_lazy("Annual")


_BOUNDS = {
    Cadence.MONTHLY: (month_start, month_end, month_label),
    Cadence.QUARTERLY: (quarter_start, quarter_end, quarter_label),
    Cadence.ANNUAL: (year_start, year_end, year_label),
}


@dataclass(frozen=True)
class Period:
    """One period of a cadence: ``start`` and ``end`` are its first and last days."""

    cadence: str
    start: dt.date
    end: dt.date

    @classmethod
    def containing(cls, cadence: str, day: dt.date) -> Period:
        """The period of ``cadence`` that contains ``day``."""
        start, end, _label = _BOUNDS[Cadence(cadence)]
        return cls(cadence=str(Cadence(cadence).value), start=start(day), end=end(day))

    @property
    def label(self) -> str:
        """ "April 2017", "Q2 2018" or "2018" (translated)."""
        return _BOUNDS[Cadence(self.cadence)][2](self.end)

    @property
    def compared_label(self) -> str:
        """What the "increased" marker says: "since last month"... (translated)."""
        return {
            Cadence.MONTHLY: _("since last month"),
            Cadence.QUARTERLY: _("since last quarter"),
            Cadence.ANNUAL: _("since last year"),
        }[Cadence(self.cadence)]

    @property
    def heading(self) -> str:
        """The cover's kind of document: "Monthly snapshot"... (translated)."""
        return {
            Cadence.MONTHLY: _("Monthly snapshot"),
            Cadence.QUARTERLY: _("Quarterly snapshot"),
            Cadence.ANNUAL: _("Annual snapshot"),
        }[Cadence(self.cadence)]

    def previous(self) -> Period:
        return Period.containing(self.cadence, self.start - ONE_DAY)

    def next(self) -> Period:
        return Period.containing(self.cadence, self.end + ONE_DAY)

    def is_period_end(self, day: dt.date) -> bool:
        return day == self.end


def is_period_end(cadence: str, day: dt.date) -> bool:
    """Whether ``day`` is the last day of a period of ``cadence``."""
    return Period.containing(cadence, day).end == day


def as_of_note(as_of: dt.date, period: Period) -> str:
    """ "Figures as of 12 November 2026", and, for a period that had not ended
    by then, that it had not (translated)."""
    from django.utils.formats import date_format

    day = date_format(as_of, "j F Y")
    if as_of < period.end:
        return _("Figures as of %(day)s; %(period)s had not ended.") % {
            "day": day,
            "period": period.label,
        }
    return _("Figures as of %(day)s") % {"day": day}


def period_words(period: dict, as_of: str | None = None) -> dict:
    """A payload's period in the reader's language: its ``label``,
    ``compared_label`` and ``as_of_note``, from its cadence and days. A
    published payload keeps the words of the language it was made in; a page
    or PDF in another language says them again from these. Empty when the
    payload has no cadence, or is a version 1 payload (``legacy``: worded by
    its adapter, "since last snapshot")."""
    if period.get("legacy"):
        return {}
    try:
        words = Period(
            cadence=str(Cadence(period["cadence"]).value),
            start=dt.date.fromisoformat(period["start"]),
            end=dt.date.fromisoformat(period["end"]),
        )
    except (KeyError, TypeError, ValueError):
        return {}
    out = {"label": words.label, "compared_label": words.compared_label}
    if as_of:
        out["as_of_note"] = as_of_note(dt.date.fromisoformat(as_of), words)
    return out
