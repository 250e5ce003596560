"""The indicator engine: set-based SQL from the records to ``IndicatorValue`` rows.

The rules it applies are in ``indicators/models.py``'s docstring. How:

1. *Facts.* For each source, one SELECT gives rows of (governorate ``g``,
   programme ``pr``, donor ``d``, month ``m``, ``project_id``, value ``v``,
   split columns), already filtered by the definition (approved records
   only). Assistance records, the big table, are first summed once per run
   into a temporary "cube" per (project, activity type, month), with their
   recipients summed by sex, by age group and by population group from the
   record's breakdown columns, shared by every definition. The household multiplier is applied per month in SQL.
2. *Values.* ``GROUP BY month, GROUPING SETS`` over (g, pr, d) gives every
   cut ("all" = NULL) per month and per quarter; cumulative values are running
   sums (a window) over the month values of each cell.
3. *Writes.* A run deletes the values it recomputes and inserts the new ones
   in one transaction: readers see the old values until it commits, a run that
   dies leaves them untouched, and the next run writes the same table.

A full run recomputes every active definition. An incremental run, after a
change, recomputes the months and quarters the change touched (every cell of
them, from the records of those quarters) and the running totals of the cells
it touched from that month on. Both derive running totals from month values
the same way, so an incremental run leaves the same table as a full one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.utils import OperationalError
from django.utils import timezone
from psycopg2.sql import SQL, Identifier

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
    EngineLock,
    HouseholdMultiplier,
    IndicatorDefinition,
    IndicatorValue,
)
from indicators.periods import add_months, month_start, quarter_start
from programmes.models import Contribution, Project

log = logging.getLogger(__name__)

# Importable from here too (the services and the tests use them).
__all__ = ["add_months", "month_start", "quarter_start"]

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
class _Multipliers:
    """The mission's multiplier versions, as SQL CASE expressions over a date."""

    versions: list[HouseholdMultiplier] = field(default_factory=list)

    @classmethod
    def load(cls) -> _Multipliers:
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


def _in(column: str, values: Iterable) -> tuple[str, list]:
    values = list(values)
    if not values:
        return "", []
    return f" AND {column} = ANY(%s)", [values]


def _date_ranges(column: str, ranges: list[tuple[dt.date, dt.date]] | None) -> tuple[str, list]:
    if ranges is None:
        return "", []
    if not ranges:
        return " AND FALSE", []
    parts, params = [], []
    for start, end in ranges:
        parts.append(f"({column} >= %s AND {column} < %s)")
        params += [start, end]
    return " AND (" + " OR ".join(parts) + ")", params


class _DefinitionSQL:
    """SQL fragments for one definition: its facts, and whether it has splits."""

    def __init__(self, definition: IndicatorDefinition, multipliers: _Multipliers, ranges):
        self.d = definition
        self.multipliers = multipliers
        self.ranges = ranges
        self.activity_types = list(definition.activity_types.values_list("pk", flat=True))
        self.sectors = list(definition.sectors.values_list("pk", flat=True))
        self.programmes = list(definition.programmes.values_list("pk", flat=True))

    def project_filters(self, alias: str = "p") -> tuple[str, list]:
        sql, params = "", []
        for column, values in (
            (f"{alias}.sector_id", self.sectors),
            (f"{alias}.programme_id", self.programmes),
            (f"{alias}.status", self.d.project_statuses or []),
            (f"{alias}.kind", self.d.project_kinds or []),
        ):
            part, extra = _in(column, values)
            sql += part
            params += extra
        return sql, params

    def facts(self) -> tuple[str, list]:
        """SELECT g, pr, d, m, project_id, v and the split columns — one row
        per fact, filtered (split columns NULL for a definition without splits)."""
        d = self.d
        if d.source == Source.ASSISTANCE:
            measure, params = self._assistance_measure()
            where, extra = self.project_filters()
            part, more = _in("c.activity_type_id", self.activity_types)
            splits = (
                ", ".join(
                    f"({_marginal(dimension, code, 'c')}) AS {field}"
                    for dimension, columns in SPLIT_COLUMNS.items()
                    for code, field in columns.items()
                )
                if d.has_splits
                else NO_SPLITS
            )
            sql = (
                f"SELECT p.governorate_id AS g, p.programme_id AS pr, p.donor_id AS d, c.m, c.q, "
                f"c.project_id, {measure} AS v, {splits} "
                f"FROM {CUBE} c JOIN {PROJECTS} p ON p.id = c.project_id "
                f"WHERE TRUE{where}{part}"
            )
            return sql, params + extra + more
        if d.source == Source.PROJECTS:
            measure = "p.budget_usd" if d.measure == Measure.USD else "1"
            where, params = self.project_filters()
            dates, extra = _date_ranges("p.start_date", self.ranges)
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
                f"c.project_id, c.n AS v, {splits} "
                f"FROM {cube} c JOIN {PROJECTS} p ON p.id = c.project_id WHERE TRUE{where}"
            )
            return sql, params
        if d.source == Source.CONTRIBUTIONS:
            measure = "x.amount_usd" if d.measure == Measure.USD else "1"
            where, params = _in("x.programme_id", self.programmes)
            dates, extra = _date_ranges("x.date", self.ranges)
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
    def governorate_column(self) -> str:
        return "NULL::bigint" if self.d.source == Source.CONTRIBUTIONS else "g"

    @property
    def aggregate(self) -> str:
        return "COUNT(DISTINCT f.project_id)" if self.d.measure == Measure.PROJECTS else "SUM(f.v)"


def _marginal(dimension: str, code: str, alias: str = "a") -> str:
    """SQL summing the breakdown columns of one category of one dimension,
    e.g. sex "f" -> a.f_0_5_idp + a.f_0_5_returnee + ... (16 columns)."""
    index = {"sex": 0, "age_group": 1, "population_group": 2}[dimension]
    columns = [cell[3] for cell in RECIPIENT_CELLS if cell[index] == code]
    return " + ".join(f"{alias}.{column}" for column in columns)


def _build_cubes(
    cursor, ranges: list[tuple[dt.date, dt.date]] | None, *, sources: set[str], splits: bool
) -> None:
    """Sum the approved records of ``sources`` into small temporary tables
    dropped at commit, one scan of each source table: assistance records per
    (project, activity type, month), with their recipients by sex, by age
    group and by population group when ``splits``; visits and feedback
    responses per (project, month), feedback with its respondents' splits.
    Sums are 32-bit integers (a cell of a month never nears 2^31), which
    PostgreSQL adds up much faster than numerics."""
    if Source.ASSISTANCE in sources:
        dates, params = _date_ranges("a.delivered_on", ranges)
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
        dates, params = _date_ranges(f"x.{column}", ranges)
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


def _running_totals(source: str, alias: str = "t") -> str:
    """SELECT of running totals (value and splits) per cell over month rows."""
    window = (
        f"OVER (PARTITION BY {alias}.governorate_id, {alias}.programme_id, {alias}.donor_id "
        f"ORDER BY {alias}.period_end)"
    )
    running = ", ".join(f"SUM({alias}.{column}) {window}" for column in ["value", *SPLIT_FIELDS])
    return (
        f"SELECT {alias}.definition_id, 'cumulative', NULL::date, {alias}.period_end, "
        f"{alias}.governorate_id, {alias}.programme_id, {alias}.donor_id, {running}, "
        f"{alias}.multiplier_id, {alias}.multiplier_value, {alias}.computed_at FROM {source} {alias}"
    )


def _write_all_periods_additive(cursor, sql: _DefinitionSQL, now: dt.datetime, table: str) -> None:
    """Every period of a definition whose values add up across periods, in
    one statement for a full run: the month values from one grouping pass over
    the facts, then the quarters and the running totals from those month
    values (the sums they are by definition), without a second pass."""
    facts, facts_params = sql.facts()
    grouping = ", ".join(f"(f.m{', ' + c if c else ''})" for c in sql.cut_sets)
    split_sums = ", ".join(f"SUM(f.{column}) AS {column}" for column in SPLIT_FIELDS)
    splits = ", ".join(SPLIT_FIELDS)

    def month_end(start: str, length: str) -> str:
        return f"({start} + interval '{length}' - interval '1 day')::date"

    parts, params = [], []
    parts.append(
        f"WITH mo AS MATERIALIZED (SELECT f.m AS start, {sql.governorate_column} AS g, pr, d, "
        f"{sql.aggregate} AS value, {split_sums} FROM ({facts}) f GROUP BY GROUPING SETS ({grouping}))"
    )
    params += facts_params
    end = month_end("start", "1 month")
    mult, mult_params = sql.multiplier_columns(end)
    parts.append(
        f", ins_month AS (INSERT INTO {table} ({COLUMNS}) SELECT %s, 'month', start, {end}, "
        f"g, pr, d, value, {splits}, {mult}, %s::timestamptz FROM mo)"
    )
    params += [sql.d.pk, *mult_params, now]
    q_end = month_end("q", "3 months")
    mult, mult_params = sql.multiplier_columns(q_end)
    quarter = (
        f"INSERT INTO {table} ({COLUMNS}) SELECT %s, 'quarter', q, {q_end}, g, pr, d, "
        f"SUM(value), {', '.join(f'SUM({c})' for c in SPLIT_FIELDS)}, {mult}, %s::timestamptz "
        f"FROM (SELECT date_trunc('quarter', start)::date AS q, * FROM mo) x GROUP BY q, g, pr, d"
    )
    quarter_params = [sql.d.pk, *mult_params, now]
    if not sql.d.is_cumulative:
        cursor.execute(" ".join(parts) + " " + quarter, params + quarter_params)
        return
    parts.append(f", ins_quarter AS ({quarter})")
    params += quarter_params
    window = "OVER (PARTITION BY g, pr, d ORDER BY start)"
    running = ", ".join(f"SUM({column}) {window}" for column in ["value", *SPLIT_FIELDS])
    mult, mult_params = sql.multiplier_columns(end)
    parts.append(
        f"INSERT INTO {table} ({COLUMNS}) SELECT %s, 'cumulative', NULL::date, {end}, g, pr, d, "
        f"{running}, {mult}, %s::timestamptz FROM mo"
    )
    params += [sql.d.pk, *mult_params, now]
    cursor.execute(" ".join(parts), params)


def _write_periods(
    cursor,
    sql: _DefinitionSQL,
    now: dt.datetime,
    quarters: list[dt.date] | None,
    *,
    table: str = VALUES,
) -> int:
    """Insert the month and quarter values of one definition into ``table``,
    for the given ``quarters`` (and their months) or for every period when
    None: one pass over the facts, grouped by month and by quarter, each with
    every cut. Used by incremental runs, and by full runs for distinct counts,
    whose quarters are not the sums of their months. Returns the rows inserted."""
    facts, facts_params = sql.facts()
    where, where_params = ("", []) if quarters is None else (" WHERE f.q = ANY(%s)", [quarters])
    cut_sets = sql.cut_sets
    grouping = ", ".join(
        [f"(f.m{', ' + c if c else ''})" for c in cut_sets]
        + [f"(f.q{', ' + c if c else ''})" for c in cut_sets]
    )
    is_month = "GROUPING(f.m) = 0"
    start = f"(CASE WHEN {is_month} THEN f.m ELSE f.q END)"
    end = (
        f"(CASE WHEN {is_month} THEN f.m + interval '1 month' "
        f"ELSE f.q + interval '3 months' END - interval '1 day')::date"
    )
    mult, mult_params = sql.multiplier_columns(end)
    insert = (
        f"INSERT INTO {table} ({COLUMNS}) "
        f"SELECT %s, CASE WHEN {is_month} THEN 'month' ELSE 'quarter' END, {start}, {end}, "
        f"{sql.governorate_column}, pr, d, {sql.aggregate}, {SUM_SPLITS}, {mult}, %s::timestamptz "
        f"FROM ({facts}) f{where} GROUP BY GROUPING SETS ({grouping})"
    )
    params = [sql.d.pk, *mult_params, now, *facts_params, *where_params]
    cursor.execute(insert, params)
    return cursor.rowcount


def _cells_filter(cells: set[tuple] | None, alias: str = "t") -> tuple[str, list]:
    if cells is None:
        return "", []
    if not cells:
        return " AND FALSE", []
    rows = ", ".join(["(%s::bigint, %s::bigint, %s::bigint)"] * len(cells))
    params = [value for cell in sorted(cells, key=str) for value in cell]
    sql = (
        f" AND EXISTS (SELECT 1 FROM (VALUES {rows}) c(g, pr, d) "
        f"WHERE c.g IS NOT DISTINCT FROM {alias}.governorate_id "
        f"AND c.pr IS NOT DISTINCT FROM {alias}.programme_id "
        f"AND c.d IS NOT DISTINCT FROM {alias}.donor_id)"
    )
    return sql, params


def _write_cumulative(
    cursor, definition: IndicatorDefinition, *, cells: set[tuple] | None, since: dt.date | None
) -> int:
    """Running totals of a cumulative definition, from its month values, for
    ``cells`` as of month ends from ``since`` on (all when None)."""
    if not definition.is_cumulative:
        return 0
    cell_sql, cell_params = _cells_filter(cells)
    since_sql, since_params = ("", []) if since is None else (" WHERE s.period_end >= %s", [since])
    cursor.execute(
        f"""
        INSERT INTO {VALUES} ({COLUMNS})
        SELECT * FROM (
            {_running_totals(VALUES)}
            WHERE t.definition_id = %s AND t.period_type = 'month'{cell_sql}
        ) s ({COLUMNS})
        {since_sql}
        """,
        [definition.pk, *cell_params, *since_params],
    )
    return cursor.rowcount


def _lock(cursor, *, wait: bool) -> None:
    """Take the engine's lock for this transaction (and give the transaction
    room for its hash aggregates)."""
    EngineLock.objects.get_or_create(name=LOCK_NAME)
    cursor.execute("SET LOCAL work_mem = '128MB'")
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    try:
        if wait:
            cursor.execute("SET LOCAL lock_timeout = '60s'")
            cursor.execute(
                f"SELECT 1 FROM {EngineLock._meta.db_table} WHERE name = %s FOR UPDATE", [LOCK_NAME]
            )
        else:
            cursor.execute(
                f"SELECT 1 FROM {EngineLock._meta.db_table} WHERE name = %s FOR UPDATE NOWAIT",
                [LOCK_NAME],
            )
    except OperationalError as exc:
        raise EngineBusy("another indicator recomputation is running") from exc


Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    log.info("recompute %s%% %s", percent, step)


def _new_table(cursor) -> str:
    """An empty copy of the value table (columns, defaults, identity, checks),
    without its indexes, to fill: inserting into an unindexed table and then
    building each index once costs a fraction of inserting through them."""
    cursor.execute(SQL("DROP TABLE IF EXISTS {}").format(Identifier(NEW_VALUES)))
    cursor.execute(
        SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL EXCLUDING INDEXES)").format(
            Identifier(NEW_VALUES), Identifier(VALUES)
        )
    )
    return NEW_VALUES


def _indexes(cursor, table: str) -> list[tuple[str, bool, str]]:
    """The indexes of ``table`` as the migrations made them: (name, whether a
    constraint owns it, its definition: the constraint's for a constraint,
    the part from USING on for a plain index)."""
    cursor.execute(
        """
        SELECT i.relname, c.conname IS NOT NULL,
               COALESCE(pg_get_constraintdef(c.oid),
                        (x.indisunique::text || ' ' ||
                         substring(pg_get_indexdef(x.indexrelid) from ' USING .*$')))
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
        WHERE x.indrelid = %s::regclass
        ORDER BY i.relname
        """,
        [table],
    )
    return cursor.fetchall()


def _swap_in(cursor) -> None:
    """Build on the filled copy the indexes and constraints the value table
    has (read from the catalog, so an index a migration adds is kept) and put
    the copy in the value table's place under the value table's own names, so
    the schema stays what the migrations made. Readers wait only for the
    moment between the DROP and the commit."""
    indexes = _indexes(cursor, VALUES)
    new = Identifier(NEW_VALUES)
    for name, is_constraint, definition in indexes:
        temporary = Identifier(f"{name}_new")
        if is_constraint:
            cursor.execute(
                SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(new, temporary, SQL(definition))
            )
        else:
            unique, using = definition.split(" ", 1)
            cursor.execute(
                SQL("CREATE {}INDEX {} ON {} {}").format(
                    SQL("UNIQUE " if unique == "true" else ""), temporary, new, SQL(using)
                )
            )
    # Statistics for the columns readers filter on, so the first dashboard
    # after the swap is planned well (the other columns are never filtered).
    cursor.execute(
        SQL(
            "ANALYZE {} (definition_id, period_type, governorate_id, programme_id, "
            "donor_id, period_end)"
        ).format(new)
    )
    cursor.execute(SQL("DROP TABLE {}").format(Identifier(VALUES)))
    cursor.execute(SQL("ALTER TABLE {} RENAME TO {}").format(new, Identifier(VALUES)))
    for name, _is_constraint, _definition in indexes:
        # Renaming the index renames the constraint that owns it.
        cursor.execute(
            SQL("ALTER INDEX {} RENAME TO {}").format(Identifier(f"{name}_new"), Identifier(name))
        )
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [VALUES])
    sequence = cursor.fetchone()[0]
    if sequence and sequence.split(".")[-1].strip('"') != f"{VALUES}_id_seq":
        cursor.execute(
            SQL("ALTER SEQUENCE {} RENAME TO {}").format(
                SQL(sequence), Identifier(f"{VALUES}_id_seq")
            )
        )


def recompute_full(
    *, definitions: Iterable[IndicatorDefinition] | None = None, progress: Progress = _no_progress
) -> int:
    """Recompute every value of ``definitions`` (default: all active ones; the
    values of inactive ones are removed). One transaction: on any failure the
    previous values stay. Raises EngineBusy if another run holds the lock.
    Returns the number of values written.

    For all definitions, the values are written to a fresh table that then
    takes the value table's place: a million inserts into an unindexed table
    and one index build cost a fraction of deleting and re-inserting them
    through the index."""
    everything = definitions is None
    if everything:
        definitions = IndicatorDefinition.objects.filter(is_active=True)
    definitions = list(definitions)
    multipliers = _Multipliers.load()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor, wait=False)
        progress(2, "summing approved assistance records")
        needs_splits = any(d.has_splits and d.source == Source.ASSISTANCE for d in definitions)
        _build_cubes(
            cursor,
            None,
            sources={d.source for d in definitions} & CUBED_SOURCES,
            splits=needs_splits,
        )
        ids = [d.pk for d in definitions]
        if everything:
            table = _new_table(cursor)
        else:
            table = VALUES
            cursor.execute(f"DELETE FROM {VALUES} WHERE definition_id = ANY(%s)", [ids])
        progress(20, "computing")
        for index, definition in enumerate(definitions):
            sql = _DefinitionSQL(definition, multipliers, None)
            if definition.adds_up_across_periods:
                _write_all_periods_additive(cursor, sql, now, table)
            else:
                # A distinct count: never a running total (a constraint says so).
                _write_periods(cursor, sql, now, None, table=table)
            progress(20 + int(70 * (index + 1) / max(len(definitions), 1)), definition.name)
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE definition_id = ANY(%s)", [ids])
        written = cursor.fetchone()[0]
        if everything:
            progress(92, "indexing the new values")
            _swap_in(cursor)
    progress(100, "done")
    return written


def rollup_cells(triples: Iterable[tuple]) -> set[tuple]:
    """Every cut a record of each (g, pr, d) triple counts in: 8 per triple."""
    cells = set()
    for g, pr, d in triples:
        for keep_g in (True, False):
            for keep_pr in (True, False):
                for keep_d in (True, False):
                    cells.add(
                        (g if keep_g else None, pr if keep_pr else None, d if keep_d else None)
                    )
    return cells


def definitions_for(scope: Scope) -> list[IndicatorDefinition]:
    definitions = IndicatorDefinition.objects.filter(is_active=True, source=scope.source)
    if scope.definition_ids is not None:
        definitions = definitions.filter(pk__in=scope.definition_ids)
    return list(definitions)


def recompute_incremental(scope: Scope) -> int:
    """Recompute what ``scope`` touched: every cell of its months and quarters,
    and the running totals of its cells from its earliest month on. Waits for
    a running recomputation to finish. Returns the number of values written."""
    definitions = definitions_for(scope)
    if not definitions or not scope.months:
        return 0
    multipliers = _Multipliers.load()
    now = timezone.now()
    quarters = sorted({quarter_start(m) for m in scope.months})
    ranges = [(q, add_months(q, 3)) for q in quarters]
    months = sorted({add_months(q, i) for q in quarters for i in range(3)})
    since_month = min(scope.months)
    since = add_months(since_month, 1) - dt.timedelta(days=1)
    cells = rollup_cells(scope.triples)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor, wait=True)
        if scope.source in CUBED_SOURCES:
            needs_splits = any(d.has_splits for d in definitions)
            _build_cubes(cursor, ranges, sources={scope.source}, splits=needs_splits)
        ids = [d.pk for d in definitions]
        cursor.execute(
            f"DELETE FROM {VALUES} WHERE definition_id = ANY(%s) AND "
            f"((period_type = 'month' AND period_start = ANY(%s)) OR "
            f"(period_type = 'quarter' AND period_start = ANY(%s)))",
            [ids, months, quarters],
        )
        for definition in definitions:
            sql = _DefinitionSQL(definition, multipliers, ranges)
            written += _write_periods(cursor, sql, now, quarters)
            if definition.is_cumulative:
                cell_sql, cell_params = _cells_filter(cells)
                cursor.execute(
                    f"DELETE FROM {VALUES} t WHERE t.definition_id = %s AND t.period_type = 'cumulative' "
                    f"AND t.period_end >= %s{cell_sql}",
                    [definition.pk, since, *cell_params],
                )
                written += _write_cumulative(cursor, definition, cells=cells, since=since)
    return written
