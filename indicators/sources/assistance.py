"""Assistance records: the big table. Approved records only, summed once per
run into a cube per (project, activity type, month) that every definition
reads; people, households, units, records or distinct projects; people
without the household multiplier are split by sex, age and population group
as far as the records split them (the rest is "not recorded": the value less
the split's sum)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import SPLIT_FIELDS, AssistanceRecord
from indicators.sources import FactParts, Source, register
from indicators.sources.sql import (
    APPROVED,
    PROJECTS,
    date_ranges,
    marginal,
    no_splits,
    record_place,
    record_triple,
    split_columns,
    sql_in,
)

TABLE = AssistanceRecord._meta.db_table
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
    part, more = sql_in("c.activity_type_id", sql.activity_types)
    splits = _split_sums("c") if sql.d.has_splits else no_splits()
    return (
        f"SELECT c.g, p.programme_id AS pr, p.donor_id AS d, c.m, c.q, "
        f"c.project_id, {measure} AS v, {splits}, c.dist, "
        f"c.activity_type_id AS at "
        f"FROM {CUBE} c JOIN {PROJECTS} p ON p.id = c.project_id "
        f"WHERE TRUE{where}{part}",
        params + extra + more,
    )


def fact_parts(sql) -> FactParts:
    """``facts`` in parts, for a full run's one pass over the cube."""
    measure = _cube_measure(sql)
    where, params = sql.project_filters()
    part, more = sql_in("c.activity_type_id", sql.activity_types)
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


def _record_measure(sql) -> tuple[str, list]:
    d = sql.d
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


def record_facts(sql) -> tuple[str, list]:
    """One row per approved record, for the exact figures."""
    where, params = sql.project_filters()
    measure, measure_params = _record_measure(sql)
    part, more = sql_in("a.activity_type_id", sql.activity_types)
    splits = _split_sums("a") if sql.d.has_splits else no_splits()
    return (
        f"SELECT a.delivered_on AS day, {PLACE}, a.activity_type_id AS at, "
        f"{measure} AS v, {splits} FROM {TABLE} a "
        f"JOIN {PROJECTS} p ON p.id = a.project_id "
        f"WHERE a.status = %s{where}{part}",
        [*measure_params, APPROVED, *params, *more],
    )


def cube(cursor, ranges, within: str, within_params: list, *, splits: bool) -> None:
    """Sum the approved records per (project, place, activity type, month)
    into a temporary table dropped at commit (the place is the record's own
    governorate and district, not its project's), with the ten split columns
    summed (NULL, not recorded, adds nothing) when ``splits``."""
    dates, params = date_ranges("a.delivered_on", ranges)
    dates += within.format(alias="a", g="a.governorate_id", dist="a.district_id")
    params = [*params, *within_params]
    split_sums = (
        ", ".join(f"COALESCE(SUM(a.{column}), 0)::int AS {column}" for column in SPLIT_FIELDS)
        if splits
        else ", ".join(f"NULL::int AS {column}" for column in SPLIT_FIELDS)
    )
    cursor.execute(f"DROP TABLE IF EXISTS {CUBE}")
    cursor.execute(
        f"""
        CREATE TEMP TABLE {CUBE} ON COMMIT DROP AS
        SELECT a.project_id, a.governorate_id AS g, a.district_id AS dist, a.activity_type_id,
               date_trunc('month', a.delivered_on)::date AS m,
               date_trunc('quarter', a.delivered_on)::date AS q,
               COUNT(*)::int AS n, SUM(a.units)::int AS units,
               SUM(a.households)::int AS households, SUM(a.people)::int AS people,
               COALESCE(SUM(a.households * a.household_size), 0)::int AS hh_known_people,
               COALESCE(SUM(a.households) FILTER (WHERE a.household_size IS NULL), 0)::int
                   AS hh_unknown,
               {split_sums}
        FROM {TABLE} a
        WHERE a.status = %s{dates}
        GROUP BY 1, 2, 3, 4, 5, 6
        """,
        [APPROVED, *params],
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
