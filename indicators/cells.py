"""The algebra of the value table's cells: which rows of
``IndicatorValue`` a set of cuts covers, narrowed as a page narrows it.

What a user may see is a set of disjoint "cells" of the value table whose
values add up (every measure adds up across cuts, see indicators/models.py):
an administrator reads the "all" cell, a donor the cells of their
organisation, a manager the finest (governorate, programme) cells of their
programmes and governorates (``indicators.access.cells_for_user``). Filters
narrow those cells; a chart "by governorate" or "by donor" expands an "all"
dimension into its values.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

CELL_DIMENSIONS = {
    "governorate": "governorate_id",
    "programme": "programme_id",
    "donor": "donor_id",
}


def _spec_q(column: str, spec: tuple) -> Q:
    kind = spec[0]
    if kind == "all":
        return Q(**{f"{column}__isnull": True})
    if kind == "any":
        return Q(**{f"{column}__isnull": False})
    if kind == "in":
        return Q(**{f"{column}__in": sorted(spec[1])})
    return Q(**{f"{column}__isnull": False}) & ~Q(**{f"{column}__in": sorted(spec[1])})


def _spec_matches(value: int | None, spec: tuple) -> bool:
    kind = spec[0]
    if kind == "all":
        return value is None
    if kind == "any":
        return value is not None
    if kind == "in":
        return value in spec[1]
    return value is not None and value not in spec[1]


class Cells:
    """A union of disjoint terms, each one spec per dimension: ("all",) the
    NULL "all" cell, ("in", ids), ("notin", ids) any value but those."""

    def __init__(self, terms: list[dict[str, tuple]]):
        self.terms = terms

    def narrowed(self, dimension: str, pk: int | None) -> Cells:
        """The cells within one value of ``dimension`` (unchanged for None)."""
        if pk is None:
            return self
        terms = []
        for term in self.terms:
            kind, *ids = term[dimension]
            ids = ids[0] if ids else frozenset()
            if kind == "all" or kind == "any" or (kind == "in" and pk in ids):
                terms.append({**term, dimension: ("in", frozenset({pk}))})
            elif kind == "notin" and pk not in ids:
                terms.append({**term, dimension: ("in", frozenset({pk}))})
        return Cells(terms)

    def _specs(self, term: dict, by: str | None) -> Iterable[tuple[str, str, tuple]]:
        for dimension, column in CELL_DIMENSIONS.items():
            spec = term[dimension]
            if dimension == by and spec[0] == "all":
                spec = ("any",)
            yield dimension, column, spec

    def q(self, by: str | None = None) -> Q:
        """The rows of these cells, with the "all" cells of dimension ``by``
        replaced by its values. Nothing for no terms."""
        if not self.terms:
            return Q(pk__in=[])
        result = Q()
        for term in self.terms:
            part = Q()
            for _dimension, column, spec in self._specs(term, by):
                part &= _spec_q(column, spec)
            result |= part
        return result

    def matches(self, row: dict, by: str | None = None) -> bool:
        """Whether a value row (a dict with the cut columns) is one of
        ``self.q(by)``'s, without a query."""
        return any(
            all(_spec_matches(row[column], spec) for _d, column, spec in self._specs(term, by))
            for term in self.terms
        )
