"""The engine's SQL from the definitions: the household multiplier as SQL,
each definition's facts, and the cubes that sum the approved records once
per run (see ``indicators/engine/__init__.py``). The tables it reads, and
the facts and cube of each, are its sources' (``indicators/sources/``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from indicators import sources as registry
from indicators.models import (
    SPLIT_FIELDS,
    HouseholdMultiplier,
    IndicatorDefinition,
    IndicatorValue,
)
from indicators.sources.sql import planner_settings, sql_in

Measure = IndicatorDefinition.Measure

VALUES = IndicatorValue._meta.db_table
CUBED_SOURCES = registry.cubed()
NEW_VALUES = f"{VALUES}_new"
LOCK_NAME = "indicators"

# Every combination of governorate, programme and donor, each one or "all".
ALL_CUTS = ["g, pr, d", "g, pr", "g, d", "pr, d", "g", "pr", "d", ""]
# A source whose records have no project (contributions) has no governorate:
# its values exist for "all governorates" only.
CUTS_WITHOUT_GOVERNORATE = ["pr, d", "pr", "d", ""]

SPLITS = ", ".join(SPLIT_FIELDS)
COLUMNS = (
    "definition_id, period_type, period_start, period_end, governorate_id, programme_id, "
    f"donor_id, value, {SPLITS}, multiplier_id, multiplier_value, computed_at"
)
SUM_SPLITS = ", ".join(f"SUM(f.{column})" for column in SPLIT_FIELDS)

# How the cubes' statements are planned. The planner cannot know how few
# groups (project, place, activity type, month) the records make: of 10M
# assistance records it expects a million where there are 50,000, and of
# 440,000 feedback responses as many groups as responses. So it sorted the
# assistance records, on disk past ``work_mem``, for a GroupAggregate (35 to
# 60 s), where hashing the 50,000 groups takes 41 MB per process; and it
# kept the visits and the feedback on one core, the tuples its workers would
# pass on looking too many. Hashing is bounded by ``work_mem`` times
# ``hash_mem_multiplier`` per process, spilling past it (128 MB x 2 at most
# for the leader and each of two workers); "Twelfth session" in docs/performance.md.
CUBE_PLANNING = {"enable_sort": "off", "parallel_tuple_cost": "0.001"}


class EngineBusy(Exception):
    """Another recomputation holds the engine's lock."""


class NoMultiplier(Exception):
    """A definition needs the household multiplier and none is defined."""


# The relations a definition's filters name: an incremental run reads their
# ids with the definitions, as ``<relation>_filter_ids`` arrays
# (``filter_ids``), in one query rather than a prefetch query each.
FILTER_IDS = ("activity_types", "sectors", "programmes")


def filter_ids() -> dict:
    """Annotations giving each definition the ids of its filters' relations
    (``DefinitionSQL`` reads them instead of the relations)."""
    annotations = {}
    for name in FILTER_IDS:
        relation = IndicatorDefinition._meta.get_field(name)
        through = relation.remote_field.through
        target = relation.m2m_reverse_name()
        annotations[f"{name}_filter_ids"] = ArraySubquery(
            through.objects.filter(**{relation.m2m_field_name(): OuterRef("pk")})
            .order_by(target)
            .values(target)
        )
    return annotations


@dataclass(frozen=True)
class Scope:
    """What a change touched: the source, the months (first days) of the
    records before and after the change, their (governorate, programme, donor)
    triples, and optionally the definitions concerned (None: all of the source)."""

    source: str
    months: frozenset[dt.date]
    triples: frozenset[tuple[int | None, int | None, int | None]]
    definition_ids: frozenset[int] | None = None

    def merge(self, other: Scope) -> Scope:
        assert self.source == other.source
        ids = None
        if self.definition_ids is not None and other.definition_ids is not None:
            ids = self.definition_ids | other.definition_ids
        return Scope(self.source, self.months | other.months, self.triples | other.triples, ids)

    def to_json(self) -> dict:
        return {
            "source": self.source,
            "months": sorted(m.isoformat() for m in self.months),
            "triples": sorted([list(t) for t in self.triples], key=str),
            "definition_ids": sorted(self.definition_ids)
            if self.definition_ids is not None
            else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> Scope:
        ids = data.get("definition_ids")
        return cls(
            source=data["source"],
            months=frozenset(dt.date.fromisoformat(m) for m in data["months"]),
            triples=frozenset(tuple(t) for t in data["triples"]),
            definition_ids=frozenset(ids) if ids is not None else None,
        )


@dataclass
class Multipliers:
    """The mission's multiplier versions, as SQL CASE expressions over a date."""

    versions: list[HouseholdMultiplier] = field(default_factory=list)

    @classmethod
    def load(cls) -> Multipliers:
        return cls(list(HouseholdMultiplier.objects.order_by("-effective_from")))

    def _case(self, column: str, attr: str) -> tuple[str, list]:
        if not self.versions:
            raise NoMultiplier(
                "No household multiplier is defined: add one (e.g. 6 from 2000-01-01) "
                "under Indicators › Household multipliers."
            )
        parts, params = [], []
        for version in self.versions:
            parts.append(f"WHEN {column} >= %s THEN %s")
            params += [version.effective_from, getattr(version, attr)]
        # Before the first version, the earliest version applies.
        params.append(getattr(self.versions[-1], attr))
        return "(CASE " + " ".join(parts) + " ELSE %s END)", params

    def value_sql(self, column: str) -> tuple[str, list]:
        return self._case(column, "value")

    def id_sql(self, column: str) -> tuple[str, list]:
        return self._case(column, "pk")


class DefinitionSQL:
    """SQL fragments for one definition: its facts, and whether it has splits."""

    def __init__(self, definition: IndicatorDefinition, multipliers: Multipliers, ranges):
        self.d = definition
        self.multipliers = multipliers
        self.ranges = ranges
        # The filters' ids as read with the definition (``FILTER_IDS``), else
        # .all(): from the prefetched relations when the caller prefetched them.
        read = [getattr(definition, f"{name}_filter_ids", None) for name in FILTER_IDS]
        self.activity_types, self.sectors, self.programmes = (
            list(ids) if ids is not None else [o.pk for o in getattr(definition, name).all()]
            for name, ids in zip(FILTER_IDS, read, strict=True)
        )

    def project_filters(self, alias: str = "p") -> tuple[str, list]:
        sql, params = "", []
        for column, values in (
            (f"{alias}.sector_id", self.sectors),
            (f"{alias}.programme_id", self.programmes),
            (f"{alias}.status", self.d.project_statuses or []),
            (f"{alias}.kind", self.d.project_kinds or []),
        ):
            part, extra = sql_in(column, values)
            sql += part
            params += extra
        return sql, params

    def facts(self) -> tuple[str, list]:
        """SELECT g, pr, d, m, project_id, v and the split columns — one row
        per fact, filtered (split columns NULL for a definition without splits);
        facts from the cubes also give the project's district ``dist`` and
        the activity type ``at`` (for the figures selector). Each source
        writes its own (``indicators/sources/``)."""
        return registry.get(self.d.source).facts(self)

    def multiplier_columns(self, period_end: str) -> tuple[str, list]:
        """SQL for (multiplier_id, multiplier_value) of a value ending at ``period_end``."""
        d = self.d
        if not d.apply_multiplier:
            return "NULL, NULL", []
        if d.multiplier:
            return "NULL, %s", [d.multiplier]
        id_case, id_params = self.multipliers.id_sql(period_end)
        value_case, value_params = self.multipliers.value_sql(period_end)
        return f"{id_case}, {value_case}", id_params + value_params

    @property
    def cut_sets(self) -> list[str]:
        return ALL_CUTS if registry.get(self.d.source).by_project else CUTS_WITHOUT_GOVERNORATE

    @property
    def having(self) -> str:
        """A contribution with no programme (to a portfolio, or unearmarked)
        counts in the "all programmes" cells only: its NULL programme is not a
        programme cell of its own (it would stand beside the "all" cell).
        Likewise a fact with no governorate (a national project, or the row
        of no place a project has beside those of the places it covers,
        ``indicators/sources/projects.py``) counts in the "all governorates"
        cells only."""
        if self.d.source == IndicatorDefinition.Source.CONTRIBUTIONS:
            return " HAVING GROUPING(pr) = 1 OR pr IS NOT NULL"
        if registry.get(self.d.source).by_project:
            return " HAVING GROUPING(g) = 1 OR g IS NOT NULL"
        return ""

    @property
    def governorate_column(self) -> str:
        return "g" if registry.get(self.d.source).by_project else "NULL::bigint"

    @property
    def aggregate(self) -> str:
        if self.d.measure == Measure.PROJECTS:
            return "COUNT(DISTINCT f.project_id)"
        if registry.get(self.d.source).once_per_project:
            # A fact per place covered and one of no place: the latter alone
            # in the cuts of all governorates, so that a project covering
            # two governorates counts once in the mission.
            return "(CASE WHEN GROUPING(f.g) = 0 THEN SUM(f.v) ELSE SUM(f.v) FILTER (WHERE f.g IS NULL) END)"
        return "SUM(f.v)"


def build_cubes(
    cursor,
    ranges: list[tuple[dt.date, dt.date]] | None,
    *,
    sources: set[str],
    splits: bool,
    project_ids: list[int] | None = None,
    activity_type_ids: list[int] | None = None,
    places: tuple[list[int], list[int]] | None = None,
) -> None:
    """Sum the approved records of ``sources`` (codes) into small temporary
    tables dropped at commit, one scan of each source table, each as its
    source's ``cube`` says (``indicators/sources/``): assistance records per
    (project, activity type, month), with their recipients by sex, by age
    group and by population group when ``splits``; visits and feedback
    responses per (project, month), feedback with its respondents' splits.
    Sums are 32-bit integers (a cell of a month never nears 2^31), which
    PostgreSQL adds up much faster than numerics. With ``project_ids``,
    only the records of those projects; with ``activity_type_ids`` only
    those of these activity types where records have one; with
    ``places`` (governorate ids, district ids) only the records made in one
    of them: their own place, not their project's, since a national
    project's records sit in many.
    For figures that read no other: a district's, a project's, BSP packages.
    ``within`` is formatted by each source with ``alias`` (its table) and
    ``g`` and ``dist`` (its governorate and district expressions)."""
    cubed = [s for s in registry.all() if s.code in sources and s.cube is not None]
    if not cubed:
        return
    with planner_settings(cursor, **CUBE_PLANNING):
        for source in cubed:
            within, within_params = "", []
            if project_ids is not None:
                within += " AND {alias}.project_id = ANY(%s)"
                within_params.append(list(project_ids))
            if activity_type_ids is not None and source.by_activity_type:
                within += " AND {alias}.activity_type_id = ANY(%s)"
                within_params.append(list(activity_type_ids))
            if places is not None:
                within += " AND ({g} = ANY(%s) OR {dist} = ANY(%s))"
                within_params.extend(places)
            source.cube(cursor, ranges, within, within_params, splits=splits)
