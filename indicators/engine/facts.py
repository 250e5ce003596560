"""The engine's SQL from the definitions: the tables it reads, the household
multiplier as SQL, each definition's facts, and the cubes that sum the
approved records once per run (see ``indicators/engine/__init__.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from beneficiaries.models import (
    RECIPIENT_CELLS,
    RECIPIENT_FIELDS,
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    ReviewStatus,
)
from indicators.models import (
    SPLIT_COLUMNS,
    SPLIT_FIELDS,
    HouseholdMultiplier,
    IndicatorDefinition,
    IndicatorValue,
)
from programmes.models import Contribution, Project

Source = IndicatorDefinition.Source
Measure = IndicatorDefinition.Measure

VALUES = IndicatorValue._meta.db_table
ASSISTANCE = AssistanceRecord._meta.db_table
PROJECTS = Project._meta.db_table
VISITS = MonitoringVisit._meta.db_table
FEEDBACK = FeedbackResponse._meta.db_table
CONTRIBUTIONS = Contribution._meta.db_table
CUBE = "_iomdash_cube_assistance"
CUBE_VISITS = "_iomdash_cube_visits"
CUBE_FEEDBACK = "_iomdash_cube_feedback"
CUBED_SOURCES = {Source.ASSISTANCE, Source.VISITS, Source.FEEDBACK}
NEW_VALUES = f"{VALUES}_new"
LOCK_NAME = "indicators"

# Every combination of governorate, programme and donor, each one or "all".
ALL_CUTS = ["g, pr, d", "g, pr", "g, d", "pr, d", "g", "pr", "d", ""]
# Contributions have no governorate: their values exist for "all governorates" only.
CUTS_WITHOUT_GOVERNORATE = ["pr, d", "pr", "d", ""]

SPLITS = ", ".join(SPLIT_FIELDS)
COLUMNS = (
    "definition_id, period_type, period_start, period_end, governorate_id, programme_id, "
    f"donor_id, value, {SPLITS}, multiplier_id, multiplier_value, computed_at"
)
NO_SPLITS = ", ".join(f"NULL::bigint AS {column}" for column in SPLIT_FIELDS)
SUM_SPLITS = ", ".join(f"SUM(f.{column})" for column in SPLIT_FIELDS)


class EngineBusy(Exception):
    """Another recomputation holds the engine's lock."""


class NoMultiplier(Exception):
    """A definition needs the household multiplier and none is defined."""


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


def sql_in(column: str, values: Iterable) -> tuple[str, list]:
    values = list(values)
    if not values:
        return "", []
    return f" AND {column} = ANY(%s)", [values]


def date_ranges(column: str, ranges: list[tuple[dt.date, dt.date]] | None) -> tuple[str, list]:
    if ranges is None:
        return "", []
    if not ranges:
        return " AND FALSE", []
    parts, params = [], []
    for start, end in ranges:
        parts.append(f"({column} >= %s AND {column} < %s)")
        params += [start, end]
    return " AND (" + " OR ".join(parts) + ")", params


class DefinitionSQL:
    """SQL fragments for one definition: its facts, and whether it has splits."""

    def __init__(self, definition: IndicatorDefinition, multipliers: Multipliers, ranges):
        self.d = definition
        self.multipliers = multipliers
        self.ranges = ranges
        # .all(): read from the prefetched relations when the caller prefetched them.
        self.activity_types = [a.pk for a in definition.activity_types.all()]
        self.sectors = [s.pk for s in definition.sectors.all()]
        self.programmes = [p.pk for p in definition.programmes.all()]

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
        the activity type ``at`` (for the figures selector)."""
        d = self.d
        if d.source == Source.ASSISTANCE:
            measure, params = self._assistance_measure()
            where, extra = self.project_filters()
            part, more = sql_in("c.activity_type_id", self.activity_types)
            splits = (
                ", ".join(
                    f"({marginal(dimension, code, 'c')}) AS {field}"
                    for dimension, columns in SPLIT_COLUMNS.items()
                    for code, field in columns.items()
                )
                if d.has_splits
                else NO_SPLITS
            )
            sql = (
                f"SELECT p.governorate_id AS g, p.programme_id AS pr, p.donor_id AS d, c.m, c.q, "
                f"c.project_id, {measure} AS v, {splits}, p.district_id AS dist, "
                f"c.activity_type_id AS at "
                f"FROM {CUBE} c JOIN {PROJECTS} p ON p.id = c.project_id "
                f"WHERE TRUE{where}{part}"
            )
            return sql, params + extra + more
        if d.source == Source.PROJECTS:
            measure = "p.budget_usd" if d.measure == Measure.USD else "1"
            where, params = self.project_filters()
            dates, extra = date_ranges("p.start_date", self.ranges)
            sql = (
                f"SELECT p.governorate_id AS g, p.programme_id AS pr, p.donor_id AS d, "
                f"date_trunc('month', p.start_date)::date AS m, "
                f"date_trunc('quarter', p.start_date)::date AS q, p.id AS project_id, {measure} AS v, "
                f"{NO_SPLITS} FROM {PROJECTS} p WHERE TRUE{where}{dates}"
            )
            return sql, params + extra
        if d.source in (Source.VISITS, Source.FEEDBACK):
            cube = CUBE_VISITS if d.source == Source.VISITS else CUBE_FEEDBACK
            where, params = self.project_filters()
            splits = (
                ", ".join(f"c.{column}" for column in SPLIT_FIELDS) if d.has_splits else NO_SPLITS
            )
            sql = (
                f"SELECT p.governorate_id AS g, p.programme_id AS pr, p.donor_id AS d, c.m, c.q, "
                f"c.project_id, c.n AS v, {splits}, p.district_id AS dist, NULL::bigint AS at "
                f"FROM {cube} c JOIN {PROJECTS} p ON p.id = c.project_id WHERE TRUE{where}"
            )
            return sql, params
        if d.source == Source.CONTRIBUTIONS:
            measure = "x.amount_usd" if d.measure == Measure.USD else "1"
            where, params = sql_in("x.programme_id", self.programmes)
            dates, extra = date_ranges("x.date", self.ranges)
            sql = (
                f"SELECT NULL::bigint AS g, x.programme_id AS pr, x.donor_id AS d, "
                f"date_trunc('month', x.date)::date AS m, date_trunc('quarter', x.date)::date AS q, "
                f"NULL::bigint AS project_id, {measure} AS v, "
                f"{NO_SPLITS} FROM {CONTRIBUTIONS} x WHERE TRUE{where}{dates}"
            )
            return sql, params + extra
        raise ValueError(f"unknown source {d.source!r}")

    def _assistance_measure(self) -> tuple[str, list]:
        d = self.d
        if d.measure == Measure.RECORDS:
            return "c.n", []
        if d.measure == Measure.UNITS:
            return "c.units", []
        if d.measure == Measure.HOUSEHOLDS:
            return "c.households", []
        if d.measure == Measure.PROJECTS:
            return "1", []
        if not d.apply_multiplier:
            return "c.people", []
        if d.multiplier:
            return "(c.hh_known_people + c.hh_unknown * %s)", [d.multiplier]
        case, params = self.multipliers.value_sql("c.m")
        return f"(c.hh_known_people + c.hh_unknown * {case})", params

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
        return CUTS_WITHOUT_GOVERNORATE if self.d.source == Source.CONTRIBUTIONS else ALL_CUTS

    @property
    def having(self) -> str:
        """A contribution with no programme (to a portfolio, or unearmarked)
        counts in the "all programmes" cells only: its NULL programme is not a
        programme cell of its own (it would stand beside the "all" cell)."""
        if self.d.source == Source.CONTRIBUTIONS:
            return " HAVING GROUPING(pr) = 1 OR pr IS NOT NULL"
        return ""

    @property
    def governorate_column(self) -> str:
        return "NULL::bigint" if self.d.source == Source.CONTRIBUTIONS else "g"

    @property
    def aggregate(self) -> str:
        return "COUNT(DISTINCT f.project_id)" if self.d.measure == Measure.PROJECTS else "SUM(f.v)"


def marginal(dimension: str, code: str, alias: str = "a") -> str:
    """SQL summing the breakdown columns of one category of one dimension,
    e.g. sex "f" -> a.f_0_5_idp + a.f_0_5_returnee + ... (16 columns)."""
    index = {"sex": 0, "age_group": 1, "population_group": 2}[dimension]
    columns = [cell[3] for cell in RECIPIENT_CELLS if cell[index] == code]
    return " + ".join(f"{alias}.{column}" for column in columns)


def build_cubes(
    cursor,
    ranges: list[tuple[dt.date, dt.date]] | None,
    *,
    sources: set[str],
    splits: bool,
    governorate_id: int | None = None,
) -> None:
    """Sum the approved records of ``sources`` into small temporary tables
    dropped at commit, one scan of each source table: assistance records per
    (project, activity type, month), with their recipients by sex, by age
    group and by population group when ``splits``; visits and feedback
    responses per (project, month), feedback with its respondents' splits.
    Sums are 32-bit integers (a cell of a month never nears 2^31), which
    PostgreSQL adds up much faster than numerics. With ``governorate_id``,
    only the records of that governorate's projects (for figures that all
    read one governorate)."""
    within, within_params = "", []
    if governorate_id is not None:
        within = (
            f" AND {{alias}}.project_id IN (SELECT id FROM {PROJECTS} WHERE governorate_id = %s)"
        )
        within_params = [governorate_id]
    if Source.ASSISTANCE in sources:
        dates, params = date_ranges("a.delivered_on", ranges)
        dates += within.format(alias="a")
        params = [*params, *within_params]
        # The 32 breakdown columns are summed as they are (one addition per
        # column and row); the facts add them up into the ten splits on the
        # cube's few thousand rows.
        split_sums = (
            ", ".join(f"SUM(a.{column})::int AS {column}" for column in RECIPIENT_FIELDS)
            if splits
            else ", ".join(f"NULL::int AS {column}" for column in RECIPIENT_FIELDS)
        )
        cursor.execute(f"DROP TABLE IF EXISTS {CUBE}")
        cursor.execute(
            f"""
            CREATE TEMP TABLE {CUBE} ON COMMIT DROP AS
            SELECT a.project_id, a.activity_type_id,
                   date_trunc('month', a.delivered_on)::date AS m,
                   date_trunc('quarter', a.delivered_on)::date AS q,
                   COUNT(*)::int AS n, SUM(a.units)::int AS units,
                   SUM(a.households)::int AS households, SUM(a.people)::int AS people,
                   COALESCE(SUM(a.households * a.household_size), 0)::int AS hh_known_people,
                   COALESCE(SUM(a.households) FILTER (WHERE a.household_size IS NULL), 0)::int
                       AS hh_unknown,
                   {split_sums}
            FROM {ASSISTANCE} a
            WHERE a.status = %s{dates}
            GROUP BY 1, 2, 3, 4
            """,
            [ReviewStatus.APPROVED, *params],
        )
    for source, table, column, cube in (
        (Source.VISITS, VISITS, "visit_date", CUBE_VISITS),
        (Source.FEEDBACK, FEEDBACK, "collected_on", CUBE_FEEDBACK),
    ):
        if source not in sources:
            continue
        dates, params = date_ranges(f"x.{column}", ranges)
        dates += within.format(alias="x")
        params = [*params, *within_params]
        split_sums = (
            ", ".join(
                f"COUNT(*) FILTER (WHERE x.{dimension} = '{code}')::int AS {field}"
                for dimension, columns in SPLIT_COLUMNS.items()
                for code, field in columns.items()
            )
            if source == Source.FEEDBACK
            else NO_SPLITS
        )
        cursor.execute(f"DROP TABLE IF EXISTS {cube}")
        cursor.execute(
            f"""
            CREATE TEMP TABLE {cube} ON COMMIT DROP AS
            SELECT x.project_id, date_trunc('month', x.{column})::date AS m,
                   date_trunc('quarter', x.{column})::date AS q, COUNT(*)::int AS n, {split_sums}
            FROM {table} x
            WHERE x.status = %s{dates}
            GROUP BY 1, 2, 3
            """,
            [ReviewStatus.APPROVED, *params],
        )
