"""One pass for the definitions that share their facts: the definitions of
a source that add up across periods and pass the same filter differ only
in what they sum (people, households, units ...), so one statement sums
all of their measures side by side over the facts they share, instead of one
statement each grouping the same facts again ("one pass per source for
every definition sharing its filters", #17).

The statement sums the facts per (month, governorate, programme, donor)
first and forms the coarser cuts from those sums (GROUPING SETS over the
fine cells, not over every fact: the measures are sums), then gives each
definition its rows (a LATERAL list of the definitions over the summed
cells) and writes months, quarters and running totals as
``write_all_periods_additive`` does for one definition: the same values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from indicators import sources as registry
from indicators.engine import timings
from indicators.engine.facts import COLUMNS, SPLIT_FIELDS, VALUES, DefinitionSQL
from indicators.engine.writes import cells_filter, running_totals


def batched(
    sqls: Iterable[DefinitionSQL],
) -> tuple[list[list[DefinitionSQL]], list[DefinitionSQL]]:
    """(groups of definitions one statement computes, the others one by one):
    definitions that add up across periods, of a source that gives its facts
    in parts (``Source.fact_parts``), with the same filter, two or more."""
    groups: dict[tuple, list[DefinitionSQL]] = {}
    alone = []
    for sql in sqls:
        source = registry.get(sql.d.source)
        if sql.d.adds_up_across_periods and source.fact_parts is not None:
            keep, params = source.fact_parts(sql).keep
            groups.setdefault((sql.d.source, keep, repr(params)), []).append(sql)
        else:
            alone.append(sql)
    for key in [key for key, group in groups.items() if len(group) < 2]:
        alone += groups.pop(key)
    return list(groups.values()), alone


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
    """The values of the definitions of ``sqls`` (one of ``batched``'s groups)
    into ``table``, in one statement: every period (None), or the months and
    quarters of ``quarters`` only, without running totals (an incremental
    run's, which then calls ``cumulative_rewrite``). Returns the rows written
    by an incremental run (0 for a full one: it counts its table once)."""
    source = registry.get(sqls[0].d.source)
    parts = [source.fact_parts(sql) for sql in sqls]
    base, base_params = parts[0].base
    keep, keep_params = parts[0].keep
    # Each distinct measure once: "people" is the same sum for two definitions.
    measures: dict[tuple[str, str], str] = {}
    measure_params: list = []
    for part in parts:
        key = (part.measure[0], repr(part.measure[1]))
        if key not in measures:
            measures[key] = f"v{len(measures)}"
            measure_params.extend(part.measure[1])
    n_splits = len(SPLIT_FIELDS)
    selected = ", ".join(f"{expression} AS {name}" for (expression, _p), name in measures.items())
    # Integers all (counts, and households times a whole multiplier): bigint
    # sums, since a numeric sum of sums is several times slower.
    split_columns = ", ".join(f"({e})::bigint AS s{i}" for i, e in enumerate(parts[0].splits))
    facts = f"SELECT {base}, {selected}, {split_columns} {parts[0].rest} WHERE {keep}"
    facts_params = [*base_params, *measure_params, *parts[0].rest_params, *keep_params]
    within = ""
    if quarters is not None:
        within = " WHERE date_trunc('quarter', f.m)::date = ANY(%s)"
        facts_params.append(list(quarters))
    sums = ", ".join(
        [f"SUM({name})::bigint AS {name}" for name in measures.values()]
        + [f"SUM(s{i})::bigint AS s{i}" for i in range(n_splits)]
    )
    sql0 = sqls[0]
    grouping = ", ".join(f"(start{', ' + c if c else ''})" for c in sql0.cut_sets)
    g = "g" if sql0.governorate_column == "g" else "NULL::bigint"
    rows, row_params = [], []
    for sql, part in zip(sqls, parts, strict=True):
        name = measures[(part.measure[0], repr(part.measure[1]))]
        splits = (
            ", ".join(f"w.s{i}" for i in range(n_splits))
            if sql.d.has_splits
            else ", ".join(["NULL::bigint"] * n_splits)
        )
        rows.append(f"(%s, w.{name}, {splits})")
        row_params.append(sql.d.pk)
    names = ", ".join(SPLIT_FIELDS)
    statement = [
        f"WITH fine AS (SELECT m AS start, g, pr, d, {sums} FROM ({facts}) f{within} "
        f"GROUP BY m, g, pr, d), "
        f"wide AS (SELECT start, {g} AS g, pr, d, {sums} FROM fine "
        f"GROUP BY GROUPING SETS ({grouping}){sql0.having}), "
        f"mo AS MATERIALIZED (SELECT v.def, w.start, w.g, w.pr, w.d, v.value, "
        f"{', '.join(f'v.{c}' for c in SPLIT_FIELDS)} FROM wide w "
        f"CROSS JOIN LATERAL (VALUES {', '.join(rows)}) v(def, value, {names}))"
    ]
    params = [*facts_params, *row_params]
    returning = "" if quarters is None else " RETURNING 1"
    end = _month_end("start", "1 month")
    mult, mult_params = _multiplier_case(sqls, end)
    statement.append(
        f", ins_month AS (INSERT INTO {table} ({COLUMNS}) SELECT def, 'month', start, {end}, "
        f"g, pr, d, value, {names}, {mult}, %s::timestamptz FROM mo{returning})"
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
