"""The engine's writes: the month, quarter and running-total values of one
definition, from its facts (see ``indicators/engine/__init__.py``)."""

from __future__ import annotations

import datetime as dt

from indicators.engine import timings
from indicators.engine.facts import COLUMNS, SPLIT_FIELDS, SUM_SPLITS, VALUES, DefinitionSQL
from indicators.models import IndicatorDefinition


def running_totals(source: str, alias: str = "t") -> str:
    """SELECT of running totals (value and splits) per definition and cell
    over month rows."""
    window = (
        f"OVER (PARTITION BY {alias}.definition_id, {alias}.governorate_id, "
        f"{alias}.programme_id, {alias}.donor_id ORDER BY {alias}.period_end)"
    )
    running = ", ".join(f"SUM({alias}.{column}) {window}" for column in ["value", *SPLIT_FIELDS])
    return (
        f"SELECT {alias}.definition_id, 'cumulative', NULL::date, {alias}.period_end, "
        f"{alias}.governorate_id, {alias}.programme_id, {alias}.donor_id, {running}, "
        f"{alias}.multiplier_id, {alias}.multiplier_value, {alias}.computed_at FROM {source} {alias}"
    )


def write_all_periods_additive(cursor, sql: DefinitionSQL, now: dt.datetime, table: str) -> None:
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

    # Each INSERT writes its rows in the order of the value table's unique
    # index (definition, governorate, programme, donor, period end): the
    # month values sorted once here (the running totals' window needed that
    # sort anyway, and now finds them sorted), the quarters grouped in that
    # order, the running totals in their window's. The index build after the
    # load then sorts runs already in order (``table.py``).
    parts, params = [], []
    parts.append(
        f"WITH mo AS MATERIALIZED (SELECT f.m AS start, {sql.governorate_column} AS g, pr, d, "
        f"{sql.aggregate} AS value, {split_sums} FROM ({facts}) f GROUP BY GROUPING SETS ({grouping}){sql.having} "
        f"ORDER BY 2, 3, 4, 1)"
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
        f"FROM (SELECT date_trunc('quarter', start::timestamp)::date AS q, * FROM mo) x GROUP BY g, pr, d, q "
        f"ORDER BY g, pr, d, q"
    )
    quarter_params = [sql.d.pk, *mult_params, now]
    if not sql.d.is_cumulative:
        timings.execute(cursor, " ".join(parts) + " " + quarter, params + quarter_params)
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
    timings.execute(cursor, " ".join(parts), params)


def write_periods(
    cursor,
    sql: DefinitionSQL,
    now: dt.datetime,
    quarters: list[dt.date] | None,
    *,
    table: str = VALUES,
    cells: set[tuple] | None = None,
) -> int:
    """Insert the month and quarter values of one definition into ``table``,
    for the given ``quarters`` (and their months) or for every period when
    None: one pass over the facts, grouped by month and by quarter, each with
    every cut (or only the cuts of ``cells``, when given). Used by incremental
    runs, and by full runs for distinct counts, whose quarters are not the
    sums of their months. Returns the rows inserted."""
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
    having, having_params = sql.having, []
    if cells is not None:
        g = "f.g" if sql.governorate_column == "g" else "NULL::bigint"
        condition, having_params = cells_condition(cells, (g, "f.pr", "f.d"))
        kept = having.removeprefix(" HAVING ")
        having = f" HAVING ({kept}) AND {condition}" if kept else f" HAVING {condition}"
    insert = (
        f"INSERT INTO {table} ({COLUMNS}) "
        f"SELECT %s, CASE WHEN {is_month} THEN 'month' ELSE 'quarter' END, {start}, {end}, "
        f"{sql.governorate_column}, pr, d, {sql.aggregate}, {SUM_SPLITS}, {mult}, %s::timestamptz "
        f"FROM ({facts}) f{where} GROUP BY GROUPING SETS ({grouping}){having}"
    )
    params = [sql.d.pk, *mult_params, now, *facts_params, *where_params, *having_params]
    if quarters is None:  # a full run's (an incremental run's count is used)
        timings.execute(cursor, insert, params)
    else:
        cursor.execute(insert, params)
    return cursor.rowcount


# Up to this many cells, a filter the value table's index answers; beyond, one
# that scans the definitions' rows once (a bulk import touches many cells).
INDEXED_CELLS = 64


def cells_filter(cells: set[tuple] | None, alias: str = "t") -> tuple[str, list]:
    """`` AND`` the row is one of ``cells`` ((governorate, programme, donor),
    None for "all"); nothing for None (every cell). A few cells are spelled
    out as ``=`` and ``IS NULL`` conditions, which the value table's unique
    index (definition, governorate, programme, donor, ...) can seek: an
    incremental run then reads its cells' rows only, not every row of the
    definitions (``IS NOT DISTINCT FROM`` is no index condition)."""
    if cells is None:
        return "", []
    if not cells:
        return " AND FALSE", []
    columns = ("governorate_id", "programme_id", "donor_id")
    if len(cells) <= INDEXED_CELLS:
        sql, params = cells_condition(cells, tuple(f"{alias}.{column}" for column in columns))
        return f" AND {sql}", params
    rows = ", ".join(["(%s::bigint, %s::bigint, %s::bigint)"] * len(cells))
    params = [value for cell in sorted(cells, key=str) for value in cell]
    sql = (
        f" AND EXISTS (SELECT 1 FROM (VALUES {rows}) c(g, pr, d) "
        f"WHERE c.g IS NOT DISTINCT FROM {alias}.governorate_id "
        f"AND c.pr IS NOT DISTINCT FROM {alias}.programme_id "
        f"AND c.d IS NOT DISTINCT FROM {alias}.donor_id)"
    )
    return sql, params


def cells_condition(cells: set[tuple], expressions: tuple[str, str, str]) -> tuple[str, list]:
    """SQL true when (``expressions``: governorate, programme, donor) is one
    of ``cells`` (None: "all", IS NULL), as ``=`` and ``IS NULL`` terms."""
    terms, params = [], []
    for cell in sorted(cells, key=str):
        parts = []
        for expression, value in zip(expressions, cell, strict=True):
            if value is None:
                parts.append(f"{expression} IS NULL")
            else:
                parts.append(f"{expression} = %s")
                params.append(value)
        terms.append("(" + " AND ".join(parts) + ")")
    return "(" + (" OR ".join(terms) or "FALSE") + ")", params


def write_cumulative(
    cursor, definition: IndicatorDefinition, *, cells: set[tuple] | None, since: dt.date | None
) -> int:
    """Running totals of a cumulative definition, from its month values, for
    ``cells`` as of month ends from ``since`` on (all when None)."""
    if not definition.is_cumulative:
        return 0
    cell_sql, cell_params = cells_filter(cells)
    since_sql, since_params = ("", []) if since is None else (" WHERE s.period_end >= %s", [since])
    cursor.execute(
        f"""
        INSERT INTO {VALUES} ({COLUMNS})
        SELECT * FROM (
            {running_totals(VALUES)}
            WHERE t.definition_id = %s AND t.period_type = 'month'{cell_sql}
        ) s ({COLUMNS})
        {since_sql}
        """,
        [definition.pk, *cell_params, *since_params],
    )
    return cursor.rowcount
