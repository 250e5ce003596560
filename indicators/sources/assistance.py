"""Assistance records: the big table. Approved records only, summed once per
run into a cube per (project, activity type, month) that every definition
reads; people, households, units, records or distinct projects; people
without the household multiplier are split by sex, age and population group
as far as the records split them (the rest is "not recorded": the value less
the split's sum).

A shared reach (``beneficiaries.models_reach``) counts once in any figure
holding one of its approved lines: it is a fact of its own, with no record
and no unit, whose activity types (``at``, an array) are those of its
approved lines the definition reads. A figure cut by one activity type takes
it when one of its lines is of that type; any other cut (place, project,
month, day) holds all of its lines or none, as they share project, place and
day."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import SPLIT_FIELDS, AssistanceRecord, SharedReach
from indicators.sources import FactParts, Source, register
from indicators.sources.sql import (
    APPROVED,
    PROJECTS,
    cube_table,
    date_ranges,
    marginal,
    no_splits,
    record_place,
    record_triple,
    split_columns,
    sql_in,
)

TABLE = AssistanceRecord._meta.db_table
REACHES = SharedReach._meta.db_table
PLACE = record_place("a.governorate_id", "a.district_id")
CUBE = "_iomdash_cube_assistance"


def _splits(definition) -> bool:
    return definition.measure == "people" and not definition.apply_multiplier


def _split_sums(alias: str) -> str:
    """The record's (or the cube's) split columns as the value's split columns."""
    return ", ".join(
        f"{marginal(dimension, code, alias)} AS {field}"
        for dimension, columns in split_columns().items()
        for code, field in columns.items()
    )


def _cube_measure(sql) -> tuple[str, list]:
    d = sql.d
    if d.measure == "records":
        return "c.n", []
    if d.measure == "units":
        return "c.units", []
    if d.measure == "households":
        return "c.households", []
    if d.measure == "projects":
        return "1", []
    if not d.apply_multiplier:
        return "c.people", []
    if d.multiplier:
        return "(c.hh_known_people + c.hh_unknown * %s)", [d.multiplier]
    case, params = sql.multipliers.value_sql("c.m")
    return f"(c.hh_known_people + c.hh_unknown * {case})", params


def facts(sql) -> tuple[str, list]:
    """The engine's facts, from the cube."""
    measure, params = _cube_measure(sql)
    where, extra = sql.project_filters()
    part, more = _activity_types_in("c", sql.activity_types)
    splits = _split_sums("c") if sql.d.has_splits else no_splits()
    # A reach's activity types are those of its lines the definition reads:
    # a cut by another type holds none of it.
    ats, ats_params = "c.ats", []
    if sql.activity_types:
        ats = "ARRAY(SELECT t FROM unnest(c.ats) t WHERE t = ANY(%s::bigint[]))"
        ats_params = [list(sql.activity_types)]
    return (
        f"SELECT c.g, p.programme_id AS pr, p.donor_id AS d, c.m, c.q, "
        f"c.project_id, {measure} AS v, {splits}, c.dist, "
        f"CASE WHEN c.ats IS NULL THEN ARRAY[c.activity_type_id]::bigint[] ELSE {ats} END AS at "
        f"FROM {CUBE} c JOIN {PROJECTS} p ON p.id = c.project_id "
        f"WHERE TRUE{where}{part}",
        params + ats_params + extra + more,
    )


def fact_parts(sql) -> FactParts:
    """``facts`` in parts, for a full run's one pass over the cube (a shared
    reach's row is kept when one of its lines' types is the definition's)."""
    measure = _cube_measure(sql)
    where, params = sql.project_filters()
    part, more = _activity_types_in("c", sql.activity_types)
    return FactParts(
        base=("c.g AS g, p.programme_id AS pr, p.donor_id AS d, c.m AS m", []),
        measure=measure,
        keep=(f"(TRUE{where}{part})", params + more),
        splits=[
            marginal(dimension, code, "c")
            for dimension, columns in split_columns().items()
            for code in columns
        ],
        rest=f"FROM {CUBE} c JOIN {PROJECTS} p ON p.id = c.project_id",
        rest_params=[],
    )


def _activity_types_in(alias: str, activity_types: list[int]) -> tuple[str, list]:
    """`` AND`` a cube row of one of ``activity_types`` (a line's type, or one
    of a shared reach's lines' types); nothing for none (no filter)."""
    if not activity_types:
        return "", []
    return (
        f" AND ({alias}.activity_type_id = ANY(%s) OR {alias}.ats && %s::bigint[])",
        [list(activity_types), list(activity_types)],
    )


def _record_measure(sql, *, reach: bool = False) -> tuple[str, list]:
    d = sql.d
    if reach and d.measure in ("records", "units"):
        return "0", []  # a shared reach is neither a record nor a unit
    if d.measure == "records" or d.measure == "projects":
        return "1", []
    if d.measure == "units":
        return "a.units", []
    if d.measure == "households":
        return "a.households", []
    if not d.apply_multiplier:
        return "a.people", []
    if d.multiplier:
        return "COALESCE(a.households * a.household_size, a.households * %s)", [d.multiplier]
    case, params = sql.multipliers.value_sql("a.delivered_on")
    return f"COALESCE(a.households * a.household_size, a.households * {case})", params


def _reaches(activity_types: list[int]) -> tuple[str, list]:
    """The shared reaches of approved lines as a table with a record's
    columns (day, place, project, the reach's counts and splits) and ``ats``,
    the activity types of those of its approved lines that are of
    ``activity_types`` (any when empty); one row per reach."""
    part, params = sql_in("x.activity_type_id", activity_types)
    counts = ", ".join(
        f"r.{column}" for column in ["households", "people", "household_size", *SPLIT_FIELDS]
    )
    return (
        f"(SELECT l.delivered_on, l.governorate_id, l.district_id, l.project_id, l.ats, {counts} "
        f"FROM {REACHES} r JOIN (SELECT x.reach_id, x.delivered_on, x.governorate_id, "
        f"x.district_id, x.project_id, "
        f"array_agg(DISTINCT x.activity_type_id ORDER BY x.activity_type_id)::bigint[] AS ats "
        f"FROM {TABLE} x WHERE x.status = %s AND x.reach_id IS NOT NULL{part} "
        f"GROUP BY 1, 2, 3, 4, 5) l ON l.reach_id = r.id)",
        [APPROVED, *params],
    )


def record_facts(sql) -> tuple[str, list]:
    """One row per approved record, and one per shared reach of approved
    records, for the exact figures."""
    where, params = sql.project_filters()
    measure, measure_params = _record_measure(sql)
    reach_measure, reach_measure_params = _record_measure(sql, reach=True)
    part, more = sql_in("a.activity_type_id", sql.activity_types)
    reaches, reaches_params = _reaches(sql.activity_types)
    splits = _split_sums("a") if sql.d.has_splits else no_splits()
    return (
        f"SELECT a.delivered_on AS day, {PLACE}, ARRAY[a.activity_type_id]::bigint[] AS at, "
        f"{measure} AS v, {splits} FROM {TABLE} a "
        f"JOIN {PROJECTS} p ON p.id = a.project_id "
        f"WHERE a.status = %s{where}{part} "
        f"UNION ALL SELECT a.delivered_on, {PLACE}, a.ats, {reach_measure}, {splits} "
        f"FROM {reaches} a JOIN {PROJECTS} p ON p.id = a.project_id WHERE TRUE{where}",
        [
            *measure_params,
            APPROVED,
            *params,
            *more,
            *reach_measure_params,
            *reaches_params,
            *params,
        ],
    )


def cube(cursor, ranges, within: str, within_params: list, *, splits: bool) -> None:
    """Sum the approved records per (project, place, activity type, month)
    into a temporary table dropped at commit (``sql.cube_table``; the place is the record's own
    governorate and district, not its project's), with the ten split columns
    summed (NULL, not recorded, adds nothing) when ``splits``. The shared
    reaches of those records are summed beside them, per (project, place,
    set of activity types ``ats``, month), with no record and no unit; a
    record's row has ``ats`` NULL, a reach's ``activity_type_id``."""
    # Months and quarters as ``date_trunc`` of a ``timestamp``: of the date
    # itself it is a ``timestamptz`` in the session's time zone, the same
    # months at several times the cost per record.
    dates, params = date_ranges("a.delivered_on", ranges)
    dates += within.format(alias="a", g="a.governorate_id", dist="a.district_id")
    params = [*params, *within_params]

    def split_sums(alias: str) -> str:
        if not splits:
            return ", ".join(f"NULL::int AS {column}" for column in SPLIT_FIELDS)
        return ", ".join(
            f"COALESCE(SUM({alias}.{column}), 0)::int AS {column}" for column in SPLIT_FIELDS
        )

    drop, create = cube_table(CUBE)
    cursor.execute(drop)
    # The quarter is that of the month, one per group, not a key of its own.
    cursor.execute(
        f"""
        {create}
        SELECT a.project_id, a.governorate_id AS g, a.district_id AS dist, a.activity_type_id,
               NULL::bigint[] AS ats, date_trunc('month', a.delivered_on::timestamp)::date AS m,
               date_trunc('quarter', date_trunc('month', a.delivered_on::timestamp)::date::timestamp)::date
                   AS q,
               COUNT(*)::int AS n, SUM(a.units)::int AS units,
               SUM(a.households)::int AS households, SUM(a.people)::int AS people,
               COALESCE(SUM(a.households * a.household_size), 0)::int AS hh_known_people,
               COALESCE(SUM(a.households) FILTER (WHERE a.household_size IS NULL), 0)::int
                   AS hh_unknown,
               {split_sums("a")}
        FROM {TABLE} a
        WHERE a.status = %s{dates}
        GROUP BY 1, 2, 3, 4, 6
        UNION ALL
        SELECT s.project_id, s.g, s.dist, NULL::bigint, s.ats, s.m, s.q, 0, 0,
               SUM(r.households)::int, SUM(r.people)::int,
               COALESCE(SUM(r.households * r.household_size), 0)::int,
               COALESCE(SUM(r.households) FILTER (WHERE r.household_size IS NULL), 0)::int,
               {split_sums("r")}
        FROM (
            SELECT a.reach_id, a.project_id, a.governorate_id AS g, a.district_id AS dist,
                   date_trunc('month', a.delivered_on::timestamp)::date AS m,
                   date_trunc('quarter', a.delivered_on::timestamp)::date AS q,
                   array_agg(DISTINCT a.activity_type_id ORDER BY a.activity_type_id)::bigint[] AS ats
            FROM {TABLE} a
            WHERE a.status = %s AND a.reach_id IS NOT NULL{dates}
            GROUP BY 1, 2, 3, 4, 5, 6
        ) s JOIN {REACHES} r ON r.id = s.reach_id
        GROUP BY s.project_id, s.g, s.dist, s.ats, s.m, s.q
        """,
        [APPROVED, *params, APPROVED, *params],
    )


def matches(definition, record: AssistanceRecord, cache: dict) -> bool:
    """Whether ``record`` passes the definition's filters (``cache`` keeps
    each definition's filter ids across records)."""
    if definition.pk not in cache:
        cache[definition.pk] = (
            set(definition.activity_types.values_list("pk", flat=True)),
            set(definition.sectors.values_list("pk", flat=True)),
            set(definition.programmes.values_list("pk", flat=True)),
        )
    activity_types, sectors, programmes = cache[definition.pk]
    project = record.project
    return (
        (not activity_types or record.activity_type_id in activity_types)
        and (not sectors or project.sector_id in sectors)
        and (not programmes or project.programme_id in programmes)
        and (not definition.project_statuses or project.status in definition.project_statuses)
        and (not definition.project_kinds or project.kind in definition.project_kinds)
    )


SOURCE = register(
    Source(
        code="assistance",
        label=_("Assistance records"),
        table=TABLE,
        date_column="delivered_on",
        measures=frozenset({"records", "units", "households", "people", "projects"}),
        splits=_splits,
        facts=facts,
        record_facts=record_facts,
        cube=cube,
        fact_parts=fact_parts,
        by_activity_type=True,
        model=AssistanceRecord,
        day=lambda record: record.delivered_on,
        place=record_triple,
        matches=matches,
    )
)
