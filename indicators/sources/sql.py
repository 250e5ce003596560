"""SQL pieces the sources share (see ``indicators/sources/__init__.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass

import psycopg2
from django.db import DatabaseError

from beneficiaries.models import SPLITS, ReviewStatus
from programmes.models import Project

PROJECTS = Project._meta.db_table
APPROVED = ReviewStatus.APPROVED

# The place of a record read through its project ``p``, for the exact figures
# (projects themselves; records and visits have their own, ``record_place``).
PROJECT_PLACE = (
    "p.governorate_id AS g, p.programme_id AS pr, p.donor_id AS d, "
    "p.district_id AS dist, p.id AS project_id"
)


def record_place(g: str, dist: str) -> str:
    """The place columns of a record in its own place (governorate ``g``,
    district ``dist``) with its project ``p``'s programme and donor, for the
    exact figures."""
    return f"{g} AS g, p.programme_id AS pr, p.donor_id AS d, {dist} AS dist, p.id AS project_id"


# The schema of the cubes a full run builds for its two connections
# (``indicators/engine/parallel.py``) while it builds them; None: temporary tables.
_cube_schema: ContextVar[str | None] = ContextVar("cube_schema", default=None)


@contextmanager
def cubes_in(schema: str) -> Iterator[None]:
    """Inside the block, the sources' cubes are unlogged tables of ``schema``,
    kept after commit, which another connection can read (a temporary table is
    its session's alone), instead of temporary tables dropped at commit."""
    token = _cube_schema.set(schema)
    try:
        yield
    finally:
        _cube_schema.reset(token)


def cube_table(cube: str) -> tuple[str, str]:
    """(the statement dropping an earlier ``cube``, the start of the one making
    it ``AS SELECT ...``), as ``cubes_in`` says."""
    schema = _cube_schema.get()
    if schema is None:
        return f"DROP TABLE IF EXISTS {cube}", f"CREATE TEMP TABLE {cube} ON COMMIT DROP AS"
    return (
        f"DROP TABLE IF EXISTS {schema}.{cube}",
        f"CREATE UNLOGGED TABLE {schema}.{cube} AS",
    )


@contextmanager
def planner_settings(cursor, **settings: str) -> Iterator[None]:
    """Inside the block, ``cursor``'s session plans with ``settings`` (e.g.
    ``enable_sort="off"``); after it, with those it had. Session settings
    (``set_config(..., false)``), not ``SET LOCAL``: a full run builds its
    cubes on a connection in autocommit (``indicators/engine/parallel.py``),
    where a ``SET LOCAL`` would end with its own statement. In a transaction
    that fails, PostgreSQL itself takes them back with the rest."""
    names = list(settings)
    cursor.execute(
        "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, false)" for _ in names),
        [value for name in names for value in (name, name, settings[name])],
    )
    before = cursor.fetchone()[0::2]

    def restore() -> None:
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, false)" for _ in names),
            [value for name, old in zip(names, before, strict=True) for value in (name, old)],
        )

    try:
        yield
    except BaseException:
        # In a failed transaction this fails too, and the rollback restores them.
        with suppress(psycopg2.Error, DatabaseError):
            restore()
        raise
    restore()


@dataclass(frozen=True)
class Placed:
    """Where a counted table's records are, as SQL over its alias ``x`` (and
    ``p``, its project, always joined): their governorate and district, and
    any further ``joins`` those need."""

    g: str = "x.governorate_id"
    dist: str = "x.district_id"
    joins: str = ""


def split_columns() -> dict[str, dict[str, str]]:
    """``SPLIT_COLUMNS`` of the value table: dimension -> category -> column."""
    from indicators.models import SPLIT_COLUMNS

    return SPLIT_COLUMNS


def split_fields() -> list[str]:
    """The split columns of a value row, in order."""
    from indicators.models import SPLIT_FIELDS

    return SPLIT_FIELDS


def no_splits() -> str:
    """The split columns as NULLs, for facts without splits."""
    return ", ".join(f"NULL::bigint AS {column}" for column in split_fields())


def sql_in(column: str, values: Iterable) -> tuple[str, list]:
    """`` AND column = ANY(values)``, or nothing for no values (no filter)."""
    values = list(values)
    if not values:
        return "", []
    return f" AND {column} = ANY(%s)", [values]


def date_ranges(column: str, ranges: list[tuple[dt.date, dt.date]] | None) -> tuple[str, list]:
    """`` AND`` ``column`` within one of ``ranges`` ([start, end)); nothing
    for None (any day), FALSE for no range."""
    if ranges is None:
        return "", []
    if not ranges:
        return " AND FALSE", []
    parts, params = [], []
    for start, end in ranges:
        parts.append(f"({column} >= %s AND {column} < %s)")
        params += [start, end]
    return " AND (" + " OR ".join(parts) + ")", params


def marginal(dimension: str, code: str, alias: str = "a") -> str:
    """SQL of one category of one dimension of a record's split, 0 where not
    recorded, e.g. sex "f" -> COALESCE(a.sex_f, 0)."""
    return f"COALESCE({alias}.{SPLITS[dimension][code]}, 0)"


def project_triple(record) -> tuple[int | None, int | None, int | None]:
    """(governorate, programme, donor) of a record's project."""
    project = record.project
    return (project.governorate_id, project.programme_id, project.donor_id)


def record_triple(record) -> tuple[int | None, int | None, int | None]:
    """(governorate, programme, donor) of a visit or assistance record in
    its own place. A one-place project's records are all in its governorate
    (the database holds them there, even when a caller moved one to the
    project without saying where), a national or multi-place project's
    each in its own."""
    project = record.project
    governorate = project.governorate_id or record.governorate_id
    return (governorate, project.programme_id, project.donor_id)


def count_cube(
    cursor,
    table: str,
    date_column: str,
    cube: str,
    ranges,
    within: str,
    within_params: list,
    *,
    splits: bool,
    placed: Placed = Placed(),
) -> None:
    """Count a reviewed table's approved records per (project, place, month)
    into the temporary table ``cube`` dropped at commit; with ``splits``,
    also per category of the records' own ``sex``, ``age_group`` and
    ``population_group``."""
    dates, params = date_ranges(f"x.{date_column}", ranges)
    dates += within.format(alias="x", g=placed.g, dist=placed.dist)
    params = [*params, *within_params]
    split_sums = (
        ", ".join(
            f"COUNT(*) FILTER (WHERE x.{dimension} = '{code}')::int AS {field}"
            for dimension, columns in split_columns().items()
            for code, field in columns.items()
        )
        if splits
        else no_splits()
    )
    # The quarter is that of the month, once per group: a second
    # ``date_trunc`` per record cost a third of the statement.
    month = f"date_trunc('month', x.{date_column}::timestamp)::date"
    drop, create = cube_table(cube)
    cursor.execute(drop)
    cursor.execute(
        f"""
        {create}
        SELECT x.project_id, {placed.g} AS g, {placed.dist} AS dist, {month} AS m,
               date_trunc('quarter', {month}::timestamp)::date AS q, COUNT(*)::int AS n,
               {split_sums}
        FROM {table} x JOIN {PROJECTS} p ON p.id = x.project_id{placed.joins}
        WHERE x.status = %s{dates}
        GROUP BY 1, 2, 3, 4
        """,
        [APPROVED, *params],
    )


def count_facts(sql, cube: str) -> tuple[str, list]:
    """The engine's facts of a ``count_cube``: one record counts one."""
    where, params = sql.project_filters()
    splits = (
        ", ".join(f"c.{column}" for column in split_fields()) if sql.d.has_splits else no_splits()
    )
    return (
        f"SELECT c.g, p.programme_id AS pr, p.donor_id AS d, c.m, c.q, "
        f"c.project_id, c.n AS v, {splits}, c.dist, NULL::bigint[] AS at "
        f"FROM {cube} c JOIN {PROJECTS} p ON p.id = c.project_id WHERE TRUE{where}",
        params,
    )


def count_record_facts(
    sql, table: str, date_column: str, placed: Placed = Placed()
) -> tuple[str, list]:
    """One row per approved record of a reviewed table, in its own place, for
    the exact figures."""
    where, params = sql.project_filters()
    splits = (
        ", ".join(
            f"(x.{dimension} = '{code}')::int AS {field}"
            for dimension, columns in split_columns().items()
            for code, field in columns.items()
        )
        if sql.d.has_splits
        else no_splits()
    )
    return (
        f"SELECT x.{date_column} AS day, {record_place(placed.g, placed.dist)}, "
        f"NULL::bigint[] AS at, 1 AS v, {splits} "
        f"FROM {table} x JOIN {PROJECTS} p ON p.id = x.project_id{placed.joins} "
        f"WHERE x.status = %s{where}",
        [APPROVED, *params],
    )
