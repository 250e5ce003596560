"""What every export is made of: a ``Table`` of ``Column``s over a
``values_list`` query read in chunks, and the readers of the query string's
filters (``ExportQueryError`` for one that cannot be read)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from programmes.models import UserProfile

Role = UserProfile.Role
# Rows fetched per round trip of the server-side cursor.
CHUNK_SIZE = 2000
# The filter value that picks the "all" (total) cell of an indicator value's
# governorate, programme or donor, stored as NULL.
TOTAL = "all"


class ExportQueryError(ValueError):
    """A filter in the query string that cannot be read; ``errors`` are the
    messages to show, one per bad filter."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Column:
    key: str  # also the key of its HXL hashtag
    label: str


@dataclass
class Table:
    """The rows of one export: ``rows`` is a ``values_list`` query whose
    tuples ``shape`` turns into the cells of ``columns``, in order."""

    columns: list[Column]
    rows: QuerySet
    shape: Callable[[tuple], Sequence]

    def count(self) -> int:
        return self.rows.count()

    def __iter__(self) -> Iterator[Sequence]:
        # Inside a transaction the server-side cursor streams rows as the
        # query produces them; outside one (autocommit) PostgreSQL would first
        # store the whole result of a holdable cursor before the first row.
        with transaction.atomic():
            for row in self.rows.iterator(chunk_size=CHUNK_SIZE):
                yield self.shape(row)


# --- Query string ---------------------------------------------------------------


def _codes(params: QueryDict, name: str) -> list[str]:
    """The non-empty values of a filter that may be repeated (?governorate=IQG13&governorate=IQG01)."""
    return [value.strip() for value in params.getlist(name) if value.strip()]


def _date(params: QueryDict, name: str, errors: list) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(
            _("“%(value)s” is not a date (use YYYY-MM-DD) for %(name)s.")
            % {"value": raw[:20], "name": name}
        )
        return None


def _choice(params: QueryDict, name: str, choices, errors: list) -> list[str]:
    values = _codes(params, name)
    bad = [value for value in values if value not in choices.values]
    if bad:
        errors.append(
            _("Unknown %(name)s: %(values)s (one of %(choices)s).")
            % {
                "name": name,
                "values": ", ".join(v[:20] for v in bad),
                "choices": ", ".join(choices.values),
            }
        )
    return values


def _code_q(column: str, codes: list[str], *, total: bool = False) -> Q:
    """Rows whose ``column`` is one of ``codes``; with ``total``, the value
    "all" also picks the rows of the "all" cell (NULL foreign key)."""
    q = Q(**{f"{column}__in": [c for c in codes if c != TOTAL]})
    if total and TOTAL in codes:
        q |= Q(**{f"{column.split('__')[0]}__isnull": True})
    return q
