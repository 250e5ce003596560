"""Template filters of the snapshot pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def isodate(value: str | None) -> dt.date | str | None:
    """A payload's ISO date ("2018-06-30") as a date, for the ``date`` filter."""
    try:
        return dt.date.fromisoformat(value) if value else value
    except (TypeError, ValueError):
        return value
