"""``{{ value|number }}``: a number grouped by thousands in the page's language
and digits (``programmes.l10n.number_text``); ``{{ value|number:1 }}`` with one
decimal. Empty for no value."""

from __future__ import annotations

from django import template

from programmes.l10n import number_text

register = template.Library()


@register.filter
def number(value, decimal_pos=None):
    if value is None or value == "":
        return ""
    try:
        return number_text(value, None if decimal_pos is None else int(decimal_pos))
    except (TypeError, ValueError):
        return value
