"""The engine's sources: the tables an indicator definition reads, one module each.

Everything that depends on *which* records a definition reads asks this
registry: the definition's choices and checks (``indicators/models.py``), the
engine's facts and cubes (``indicators/engine/facts.py``), the exact figures
(``indicators/selectors/figures.py``), what a changed record asks to
recompute (``indicators/services.py``), and the cuts the dashboards and the
snapshots offer. None of them names a source.

A new source (say referrals) needs:

1. A module here, ``indicators/sources/referrals.py``, that calls
   ``register(Source(...))`` with:

   - ``code`` and ``label``: the value stored in ``IndicatorDefinition.source``
     (it also becomes ``IndicatorDefinition.Source.REFERRALS``) and its name;
   - ``table`` and ``date_column``: the records and the date that puts one in
     a month (an approved record counts from that day on);
   - ``measures``: the measures it can give (``IndicatorDefinition.Measure``
     values); ``splits(definition)``: whether a definition's values are split
     by sex, age group and population group;
   - ``facts(sql)``: the engine's facts, one row per (place, month, project)
     with ``g, pr, d, m, q, project_id, v``, the split columns, and ``dist, at``
     when ``cube`` is set (``sql`` is the definition's ``DefinitionSQL``, whose
     ``project_filters()`` give the definition's filters);
   - ``record_facts(sql)``: the same, one row per record with its ``day``, for
     the exact figures (``indicators/sources/sql.py`` has the shared columns);
   - optionally ``fact_parts(sql)``: the same facts as ``FactParts`` (the
     columns and table shared by every definition, and the definition's own
     measure and filter), so that a full run reads them once for all the
     source's definitions (``indicators/engine/batch.py``);
   - optionally ``cube(cursor, ranges, within, within_params, splits=...)``:
     sums its approved records into a temporary table once per run, which its
     ``facts`` then read (for big tables);
   - ``once_per_project``: its facts give each record (a project) once per
     place it covers and once with no place; the engine counts the row of no
     place in the cuts of all governorates, the exact figures each record
     once per cut (``indicators/sources/projects.py``);
   - ``by_project`` (its records belong to a project, so to a governorate and
     district; False: figures for "all governorates" only), ``by_activity_type``,
     ``record_unit`` (what one record counts, for the snapshots' units);
   - ``model``, ``day(record)`` and ``place(record)`` (governorate, programme,
     donor ids) so that a saved record asks to recompute its month and cells;
     ``matches(definition, record, cache)`` to narrow that to the definitions
     whose filters it passes (None: every definition of the source).

2. Its name in ``_MODULES`` below (the order is the admin's order of choices).

3. A migration for the new choice: ``manage.py makemigrations indicators``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

SQL = tuple[str, list]


@dataclass(frozen=True)
class FactParts:
    """A definition's facts in parts: ``base``, the columns ``g, pr, d, m``
    every definition of the source shares; ``measure``, its value ``v``;
    ``keep``, the condition a fact passes to count in it; ``splits``, the ten
    split columns' expressions (the definition's splits where it has them);
    ``rest``, ``FROM ... WHERE ...`` the same for every definition."""

    base: SQL
    measure: SQL
    keep: SQL
    splits: list[str]
    rest: str
    rest_params: list


@dataclass(frozen=True)
class Source:
    """One table the engine reads (see the module docstring for each field)."""

    code: str
    label: Any  # a lazy translated string
    table: str
    date_column: str
    measures: frozenset[str]
    splits: Callable[[Any], bool]
    facts: Callable[[Any], SQL]
    record_facts: Callable[[Any], SQL]
    cube: Callable[..., None] | None = None
    fact_parts: Callable[[Any], FactParts] | None = None
    by_project: bool = True
    once_per_project: bool = False
    by_activity_type: bool = False
    record_unit: str = "records"
    model: type | None = None
    day: Callable[[Any], dt.date] | None = None
    place: Callable[[Any], tuple[int | None, int | None, int | None]] | None = None
    matches: Callable[[Any, Any, dict], bool] | None = None


_REGISTRY: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add ``source`` to the registry (once per code); returns it."""
    if source.code in _REGISTRY:
        raise ValueError(f"source {source.code!r} is registered twice")
    _REGISTRY[source.code] = source
    return source


def get(code: str) -> Source:
    """The source of that code; ValueError for an unknown one."""
    try:
        return _REGISTRY[code]
    except KeyError:
        raise ValueError(f"unknown source {code!r}") from None


def all() -> list[Source]:  # noqa: A001 (the registry's own name for it)
    """Every source, in registration order."""
    return list(_REGISTRY.values())


def for_record(record) -> Source | None:
    """The source whose records are of ``record``'s model, or None."""
    for source in _REGISTRY.values():
        if source.model is not None and isinstance(record, source.model):
            return source
    return None


def unit(definition) -> str:
    """What one of ``definition``'s figure counts, as the snapshots name it:
    "records" (or what a record of its source is, e.g. "projects"),
    "units", "households", "people", "usd" or "projects"."""
    if definition.measure == "records":
        return get(definition.source).record_unit
    return definition.measure or "records"


def cubed() -> set[str]:
    """The codes of the sources summed into a cube once per run."""
    return {s.code for s in _REGISTRY.values() if s.cube is not None}


_MODULES = ["assistance", "projects", "visits", "feedback", "contributions"]

for _name in _MODULES:
    import_module(f"{__name__}.{_name}")
