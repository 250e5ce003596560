"""One pass for the definitions that share their facts: the definitions of
a source that add up across periods and pass the same filter differ only
in what they sum (people, households, units ...), so one statement sums
all of their measures side by side over the facts they share, instead of one
statement each grouping the same facts again ("one pass per source for
every definition sharing its filters", #17). The statement also takes
definitions with different filters (each sum then over the facts its filter
keeps, ``SUM(...) FILTER (WHERE ...)``, a definition's row where its filter
kept a fact), but ``batched`` groups by filter: that is faster.

The statement sums the facts per (month, governorate, programme, donor)
first and forms the coarser cuts from those sums (GROUPING SETS over the
fine cells, not over every fact: the measures are sums), then the quarters
and the running totals from those cells, and only then gives each
definition its rows (a LATERAL list of the definitions over the summed
cells; in a full run, one definition after another over the cells sorted in
the value table's index order, ``_write_in_index_order``), as
``write_all_periods_additive`` writes for one definition: the same values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from indicators import sources as registry
from indicators.engine import timings
from indicators.engine.facts import COLUMNS, SPLIT_FIELDS, VALUES, DefinitionSQL
from indicators.engine.writes import cells_condition, cells_filter, running_totals


def batched(
    sqls: Iterable[DefinitionSQL],
) -> tuple[list[list[DefinitionSQL]], list[DefinitionSQL]]:
    """(groups of definitions one statement computes, the others one by one):
    definitions that add up across periods, of a source that gives its facts
    in parts (``Source.fact_parts``), with the same filter, two or more.
    (``write_batch`` takes any filters, but a statement summing every
    filter's measures and splits side by side is slower than one per filter:
    measured at 1M records, 9.7 s against 5 s.)"""
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
    cells: set[tuple] | None = None,
) -> int:
    """The values of the definitions of ``sqls`` (one of ``batched``'s groups)
    into ``table``, in one statement: every period (None), or the months and
    quarters of ``quarters`` only, without running totals (an incremental
    run's, which then calls ``cumulative_rewrite``), of the cuts of ``cells``
    only when given (an incremental run's). Returns the rows written
    by an incremental run (0 for a full one: it counts its table once)."""
    source = registry.get(sqls[0].d.source)
    parts = [source.fact_parts(sql) for sql in sqls]
    base, base_params = parts[0].base
    n_splits = len(SPLIT_FIELDS)
    # Each distinct filter once (k0, k1 ...), each distinct expression once
    # (x0 ...), and each (expression, filter) sum once (v0 ...): "people" of
    # every record is the same sum for two definitions.
    keeps: dict[tuple[str, str], int] = {}
    keep_params: list = []
    expressions: dict[tuple[str, str], str] = {}
    expression_params: list = []
    measures: dict[tuple[str, int], str] = {}
    of_definition: list[tuple[str, int]] = []  # (its sum, its filter)
    for part in parts:
        keep = (part.keep[0], repr(part.keep[1]))
        if keep not in keeps:
            keeps[keep] = len(keeps)
            keep_params.extend(part.keep[1])
        expression = (part.measure[0], repr(part.measure[1]))
        if expression not in expressions:
            expressions[expression] = f"x{len(expressions)}"
            expression_params.extend(part.measure[1])
        key = (expressions[expression], keeps[keep])
        if key not in measures:
            measures[key] = f"v{len(measures)}"
        of_definition.append((measures[key], keeps[keep]))
    with_splits = sorted(
        {k for sql, (_v, k) in zip(sqls, of_definition, strict=True) if sql.d.has_splits}
    )
    selected = ", ".join(
        [f"{expression} AS {name}" for (expression, _p), name in expressions.items()]
        + [f"({keep}) AS k{index}" for (keep, _p), index in keeps.items()]
    )
    # Integers all (counts, and households times a whole multiplier): bigint
    # sums, since a numeric sum of sums is several times slower.
    split_columns = ", ".join(f"({e})::bigint AS s{i}" for i, e in enumerate(parts[0].splits))
    facts = f"SELECT {base}, {selected}, {split_columns} {parts[0].rest}"
    facts_params = [*base_params, *expression_params, *keep_params, *parts[0].rest_params]
    within = " WHERE (" + " OR ".join(f"f.k{index}" for index in keeps.values()) + ")"
    if quarters is not None:
        within += " AND date_trunc('quarter', f.m)::date = ANY(%s)"
        facts_params.append(list(quarters))
    # What each cell holds: the sums, the facts each filter kept (``n``: a
    # definition has a row where it kept one), the splits of each filter.
    fine_sums = (
        [f"SUM(f.{x}) FILTER (WHERE f.k{k})::bigint AS {name}" for (x, k), name in measures.items()]
        + [f"COUNT(*) FILTER (WHERE f.k{k})::bigint AS n{k}" for k in keeps.values()]
        + [
            f"SUM(f.s{i}) FILTER (WHERE f.k{k})::bigint AS s{k}_{i}"
            for k in with_splits
            for i in range(n_splits)
        ]
    )
    names = [column.rsplit(" AS ", 1)[1] for column in fine_sums]
    sums = ", ".join(f"SUM({name})::bigint AS {name}" for name in names)
    sql0 = sqls[0]
    grouping = ", ".join(f"(start{', ' + c if c else ''})" for c in sql0.cut_sets)
    g = "g" if sql0.governorate_column == "g" else "NULL::bigint"
    split_names = ", ".join(SPLIT_FIELDS)

    def per_definition(chosen: list[DefinitionSQL]) -> tuple[str, list]:
        """A row per definition of ``chosen`` from each summed cell ``w``
        where its filter kept a fact: its measure and (if it has them) the
        splits of the facts it kept."""
        rows, row_params = [], []
        for sql, (name, k) in zip(sqls, of_definition, strict=True):
            if sql not in chosen:
                continue
            splits = (
                ", ".join(f"w.s{k}_{i}" for i in range(n_splits))
                if sql.d.has_splits
                else ", ".join(["NULL::bigint"] * n_splits)
            )
            rows.append(f"(%s, w.n{k}, w.{name}, {splits})")
            row_params.append(sql.d.pk)
        lateral = (
            f"CROSS JOIN LATERAL (VALUES {', '.join(rows)}) v(def, kept, value, {split_names}) "
            f"WHERE v.kept > 0"
        )
        if cells is not None:
            condition, cell_params = cells_condition(cells, ("w.g", "w.pr", "w.d"))
            lateral += f" AND {condition}"
            row_params += cell_params
        return lateral, row_params

    def in_index_order(chosen: list[DefinitionSQL], cells_of: str) -> tuple[str, list]:
        """A full run's FROM: each definition of ``chosen`` in turn (the
        outer loop), then each summed cell of ``cells_of`` (a CTE in the
        value table's index order) where its filter kept a fact, with its
        measure and splits (``per_definition``'s row, picked by ``o.j``).
        The rows come out in the index's order (definition, governorate,
        programme, donor, period end)."""
        picked = [
            (sql, name, k)
            for sql, (name, k) in zip(sqls, of_definition, strict=True)
            if sql in chosen
        ]

        def case(expressions: list[str]) -> str:
            whens = " ".join(f"WHEN {j} THEN {e}" for j, e in enumerate(expressions))
            return f"CASE o.j {whens} END"

        columns = [
            f"{case([f'w.n{k}' for _sql, _name, k in picked])} AS kept",
            f"{case([f'w.{name}' for _sql, name, _k in picked])} AS value",
        ] + [
            f"{case([f'w.s{k}_{i}' if sql.d.has_splits else 'NULL::bigint' for sql, _n, k in picked])} "
            f"AS {field}"
            for i, field in enumerate(SPLIT_FIELDS)
        ]
        definitions = ", ".join(f"(%s::bigint, {j})" for j in range(len(picked)))
        # OFFSET 0 keeps the subquery a lateral one: read again per definition.
        return (
            f"(VALUES {definitions}) o(def, j) CROSS JOIN LATERAL (SELECT w.start, w.g, w.pr, w.d, "
            f"{', '.join(columns)} FROM {cells_of} w OFFSET 0) w WHERE w.kept > 0",
            [sql.d.pk for sql, _name, _k in picked],
        )

    # The quarters and the running totals are formed from the summed cells,
    # before they are spread into a row per definition (a sixth of the rows
    # to group, sort and window for six definitions).
    full = quarters is None
    statement = [
        f"WITH fine AS (SELECT m AS start, g, pr, d, {', '.join(fine_sums)} "
        f"FROM ({facts}) f{within} "
        f"GROUP BY m, g, pr, d), "
        f"wide AS MATERIALIZED (SELECT start, {g} AS g, pr, d, {sums} FROM fine "
        f"GROUP BY GROUPING SETS ({grouping}){sql0.having}"
        # A full run writes in the value table's index order (see
        # ``write_all_periods_additive``): the summed cells sorted once.
        f"{' ORDER BY 2, 3, 4, 1' if full else ''})"
    ]
    params = [*facts_params]
    if full:
        _write_in_index_order(statement, params, sqls, now, table, names, in_index_order)
        timings.execute(cursor, " ".join(statement), params)
        return 0
    returning = " RETURNING 1"
    values = f"v.value, {', '.join(f'v.{c}' for c in SPLIT_FIELDS)}"
    end = _month_end("w.start", "1 month")
    mult, mult_params = _multiplier_case(sqls, end)
    lateral, lateral_params = per_definition(sqls)
    statement.append(
        f", ins_month AS (INSERT INTO {table} ({COLUMNS}) SELECT v.def, 'month', w.start, {end}, "
        f"w.g, w.pr, w.d, {values}, {mult}, %s::timestamptz FROM wide w {lateral}{returning})"
    )
    params += [*mult_params, now, *lateral_params]
    q_end = _month_end("w.start", "3 months")
    mult, mult_params = _multiplier_case(sqls, q_end)
    statement.append(
        f", ins_quarter AS (INSERT INTO {table} ({COLUMNS}) SELECT v.def, 'quarter', w.start, "
        f"{q_end}, w.g, w.pr, w.d, {values}, {mult}, %s::timestamptz "
        f"FROM (SELECT date_trunc('quarter', start::timestamp)::date AS start, g, pr, d, {sums} FROM wide "
        f"GROUP BY 1, g, pr, d) w {lateral}{returning})"
    )
    params += [*mult_params, now, *lateral_params]
    statement.append("SELECT (SELECT COUNT(*) FROM ins_month) + (SELECT COUNT(*) FROM ins_quarter)")
    cursor.execute(" ".join(statement), params)
    return cursor.fetchone()[0]


def _write_in_index_order(
    statement: list[str],
    params: list,
    sqls: list[DefinitionSQL],
    now: dt.datetime,
    table: str,
    names: list[str],
    in_index_order,
) -> None:
    """A full run's months, quarters and running totals of ``write_batch``'s
    summed cells ``wide`` (sorted by cell and month), appended to
    ``statement``: the quarters and the running totals summed into CTEs of
    their own in the same order, then each INSERT writing one definition
    after another (``in_index_order``), so that the index build after the
    load finds each definition's rows of a period type in its order."""
    sums = ", ".join(f"SUM({name})::bigint AS {name}" for name in names)
    # Running sums of the sums and splits; a definition's row at a month
    # where its filter kept a fact (that month's own count).
    running = ", ".join(
        name if name.startswith("n") else f"SUM({name}) OVER cell AS {name}" for name in names
    )
    statement.append(
        f", quarters AS MATERIALIZED (SELECT date_trunc('quarter', start::timestamp)::date AS start, "
        f"g, pr, d, {sums} FROM wide GROUP BY g, pr, d, 1 ORDER BY g, pr, d, 1)"
    )
    cumulative = [sql for sql in sqls if sql.d.is_cumulative]
    if cumulative:
        # The window's output is in its order: cell, then month.
        statement.append(
            f", running AS MATERIALIZED (SELECT start, g, pr, d, {running} FROM wide "
            f"WINDOW cell AS (PARTITION BY g, pr, d ORDER BY start))"
        )
    values = f"w.value, {', '.join(f'w.{c}' for c in SPLIT_FIELDS)}"
    writes = [
        ("month", "1 month", "w.start", sqls, "wide"),
        ("quarter", "3 months", "w.start", sqls, "quarters"),
    ]
    if cumulative:
        writes.append(("cumulative", "1 month", "NULL::date", cumulative, "running"))
    inserts = []
    for index, (period_type, length, start, chosen, cells_of) in enumerate(writes):
        end = _month_end("w.start", length)
        mult, mult_params = _multiplier_case(sqls, end)
        source, source_params = in_index_order(chosen, cells_of)
        insert = (
            f"INSERT INTO {table} ({COLUMNS}) SELECT o.def, '{period_type}', {start}, {end}, "
            f"w.g, w.pr, w.d, {values}, {mult}, %s::timestamptz FROM {source}"
        )
        if index < len(writes) - 1:
            inserts.append(f", ins_{period_type} AS ({insert})")
        else:
            inserts.append(f" {insert}")
        params += [*mult_params, now, *source_params]
    statement.extend(inserts)


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
