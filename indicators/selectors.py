"""Reads of indicator values. Pages and exports ask these, never the table."""

from __future__ import annotations

import datetime as dt

from indicators.models import IndicatorDefinition, IndicatorValue


def value_as_of(
    *,
    definition: IndicatorDefinition,
    as_of: dt.date,
    governorate=None,
    programme=None,
    donor=None,
) -> IndicatorValue | None:
    """The running total of a cumulative definition as of ``as_of`` for one
    cut (None = "all"): the latest stored value on or before that date, since
    running totals are stored only for months in which the cell had data.
    None when the cell had no data by then. Its split columns hold the split
    (``IndicatorValue.split``). One query."""
    return (
        IndicatorValue.objects.filter(
            definition=definition,
            period_type=IndicatorValue.PeriodType.CUMULATIVE,
            governorate=governorate,
            programme=programme,
            donor=donor,
            period_end__lte=as_of,
        )
        .order_by("-period_end")
        .first()
    )
