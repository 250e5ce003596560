"""A full run's one pass per source: every definition of a source whose
values add up across periods, from one scan of the source's facts.

Each definition of the batch is a filter and a measure over the same facts
(``Source.fact_parts``). One statement reads the facts once, gives each fact
one row per definition it passes (a LATERAL list of the definitions), sums
them per (definition, month, governorate, programme, donor), and only then
forms the coarser cuts from those sums (GROUPING SETS over a few thousand
fine cells, not over every fact, since the measures are sums), and writes
months, quarters and running totals as ``write_all_periods_additive`` does
for one definition. The same values: sums of sums are the sums.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from indicators import sources as registry
from indicators.engine import timings
from indicators.engine.facts import COLUMNS, SPLIT_FIELDS, VALUES, DefinitionSQL
from indicators.engine.writes import cells_filter, running_totals
from indicators.models import IndicatorDefinition


def batched(
    definitions: Iterable[IndicatorDefinition],
) -> tuple[dict[str, list[IndicatorDefinition]], list[IndicatorDefinition]]:
    """({source: its definitions a batch computes}, the others, one by one):
    definitions that add up across periods, of a source that gives its facts
    in parts, two or more of them."""
    groups: dict[str, list[IndicatorDefinition]] = {}
    alone = []
    for definition in definitions:
        source = registry.get(definition.source)
        if definition.adds_up_across_periods and source.fact_parts is not None:
            groups.setdefault(definition.source, []).append(definition)
        else:
            alone.append(definition)
    for code in [code for code, group in groups.items() if len(group) < 2]:
        alone += groups.pop(code)
    return groups, alone


def _month_end(start: str, length: str) -> str:
    return f"({start} + interval '{length}' - interval '1 day')::date"


def _multiplier_case(sqls: list[DefinitionSQL], end: str) -> tuple[str, list]:
    """(multiplier_id, multiplier_value) of each definition's value ending at
    ``end``, chosen by the row's definition ``def``."""
    ids, values, params_id, params_value = [], [], [], []
    for sql in sqls:
        d = sql.d
        if not d.apply_multiplier:
            continue
        if d.multiplier:
            values.append("WHEN %s THEN %s")
            params_value += [d.pk, d.multiplier]
            continue
        id_case, id_params = sql.multipliers.id_sql(end)
        value_case, value_params = sql.multipliers.value_sql(end)
        ids.append(f"WHEN %s THEN {id_case}")
        params_id += [d.pk, *id_params]
        values.append(f"WHEN %s THEN {value_case}")
        params_value += [d.pk, *value_params]
    id_sql = f"CASE def {' '.join(ids)} END" if ids else "NULL::bigint"
    value_sql = f"CASE def {' '.join(values)} END" if values else "NULL::integer"
    return f"{id_sql}, {value_sql}", params_id + params_value


def write_batch(
    cursor,
    sqls: list[DefinitionSQL],
    now: dt.datetime,
    table: str,
    *,
    quarters: list[dt.date] | None = None,
) -> int:
    """The values of the definitions of ``sqls`` (one source, each adding up
    across periods) into ``table``, in one statement: every period (None),
    or the months and quarters of ``quarters`` only, without running totals
    (an incremental run's, which then calls ``cumulative_rewrite``).
    Returns the rows written by an incremental run (0 for a full one: it
    counts its table once at the end)."""
    source = registry.get(sqls[0].d.source)
    parts = [source.fact_parts(sql) for sql in sqls]
    base, base_params = parts[0].base
    # Distinct measures and filters once each in the facts' row.
    columns: dict[tuple[str, tuple], str] = {}
    column_params: list = []

    def column(expression: str, params: list) -> str:
        key = (expression, tuple(map(repr, params)))
        if key not in columns:
            columns[key] = f"c{len(columns)}"
            column_params.extend(params)
        return columns[key]

    splits = parts[0].splits
    rows, row_params = [], []
    for sql, part in zip(sqls, parts, strict=True):
        measure = column(*part.measure)
        keep = column(*part.keep)
        split_values = (
            ", ".join(f"f.s{i}" for i in range(len(SPLIT_FIELDS)))
            if sql.d.has_splits
            else ", ".join(["NULL::bigint"] * len(SPLIT_FIELDS))
        )
        # Integers all (counts, and households times a whole multiplier).
        rows.append(f"(%s, f.{keep}, f.{measure}::bigint, {split_values})")
        row_params.append(sql.d.pk)
    selected = ", ".join(f"{expression} AS {name}" for (expression, _p), name in columns.items())
    split_columns = ", ".join(f"{expression} AS s{i}" for i, expression in enumerate(splits))
    names = ", ".join(f"s{i}" for i in range(len(SPLIT_FIELDS)))
    facts = (
        f"SELECT f.m, f.g, f.pr, f.d, v.def, v.value, "
        f"{', '.join(f'v.s{i}' for i in range(len(SPLIT_FIELDS)))} "
        f"FROM (SELECT {base}, {selected}, {split_columns} {parts[0].rest}) f "
        f"CROSS JOIN LATERAL (VALUES {', '.join(rows)}) v(def, keep, value, {names}) WHERE v.keep"
    )
    facts_params = [*base_params, *column_params, *parts[0].rest_params, *row_params]
    if quarters is not None:
        facts += " AND date_trunc('quarter', f.m)::date = ANY(%s)"
        facts_params.append(list(quarters))
    returning = "" if quarters is None else " RETURNING 1"
    # bigint sums: a numeric sum of sums is several times slower.
    sum_fields = ", ".join(f"SUM({c})::bigint AS {c}" for c in SPLIT_FIELDS)
    sum_splits = ", ".join(f"SUM(s{i})::bigint AS {c}" for i, c in enumerate(SPLIT_FIELDS))
    sqls0 = sqls[0]
    grouping = ", ".join(f"(def, start{', ' + c if c else ''})" for c in sqls0.cut_sets)
    g = "g" if sqls0.governorate_column == "g" else "NULL::bigint"
    field_list = ", ".join(SPLIT_FIELDS)
    statement = [
        f"WITH fine AS (SELECT def, m AS start, g, pr, d, SUM(value)::bigint AS value, {sum_splits} "
        f"FROM ({facts}) x GROUP BY def, m, g, pr, d), "
        f"mo AS MATERIALIZED (SELECT def, start, {g} AS g, pr, d, SUM(value)::bigint AS value, "
        f"{sum_fields} FROM fine GROUP BY GROUPING SETS ({grouping}){sqls0.having})"
    ]
    params = list(facts_params)
    end = _month_end("start", "1 month")
    mult, mult_params = _multiplier_case(sqls, end)
    statement.append(
        f", ins_month AS (INSERT INTO {table} ({COLUMNS}) SELECT def, 'month', start, {end}, "
        f"g, pr, d, value, {field_list}, {mult}, %s::timestamptz FROM mo{returning})"
    )
    params += [*mult_params, now]
    q_end = _month_end("q", "3 months")
    mult, mult_params = _multiplier_case(sqls, q_end)
    statement.append(
        f", ins_quarter AS (INSERT INTO {table} ({COLUMNS}) SELECT def, 'quarter', q, {q_end}, "
        f"g, pr, d, SUM(value), {', '.join(f'SUM({c})' for c in SPLIT_FIELDS)}, {mult}, "
        f"%s::timestamptz FROM (SELECT date_trunc('quarter', start)::date AS q, * FROM mo) x "
        f"GROUP BY def, q, g, pr, d{returning})"
    )
    params += [*mult_params, now]
    if quarters is not None:
        statement.append(
            "SELECT (SELECT COUNT(*) FROM ins_month) + (SELECT COUNT(*) FROM ins_quarter)"
        )
        cursor.execute(" ".join(statement), params)
        return cursor.fetchone()[0]
    cumulative = [sql.d.pk for sql in sqls if sql.d.is_cumulative]
    window = "OVER (PARTITION BY def, g, pr, d ORDER BY start)"
    running = ", ".join(f"SUM({c}) {window}" for c in ["value", *SPLIT_FIELDS])
    mult, mult_params = _multiplier_case(sqls, end)
    statement.append(
        f"INSERT INTO {table} ({COLUMNS}) SELECT def, 'cumulative', NULL::date, {end}, g, pr, d, "
        f"{running}, {mult}, %s::timestamptz FROM mo WHERE def = ANY(%s)"
    )
    params += [*mult_params, now, cumulative]
    timings.execute(cursor, " ".join(statement), params)
    return 0


def cumulative_rewrite(
    cursor, definition_ids: list[int], *, cells: set[tuple] | None, since: dt.date
) -> int:
    """The running totals of the cumulative definitions ``definition_ids``,
    for ``cells`` as of month ends from ``since`` on, rewritten from their
    month values: one DELETE and one INSERT for them all. Returns the rows
    written."""
    cell_sql, cell_params = cells_filter(cells)
    cursor.execute(
        f"DELETE FROM {VALUES} t WHERE t.definition_id = ANY(%s) "
        f"AND t.period_type = 'cumulative' AND t.period_end >= %s{cell_sql}",
        [definition_ids, since, *cell_params],
    )
    cursor.execute(
        f"INSERT INTO {VALUES} ({COLUMNS}) SELECT * FROM ({running_totals(VALUES)} "
        f"WHERE t.definition_id = ANY(%s) AND t.period_type = 'month'{cell_sql}) s ({COLUMNS}) "
        f"WHERE s.period_end >= %s",
        [definition_ids, *cell_params, since],
    )
    return cursor.rowcount
