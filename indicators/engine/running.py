"""Running totals of an incremental run moved by the change's difference.

A running total is the sum of its cell's month values so far, so a change to
the month values of some months moves every later running total of that cell
by the same amount: the difference between the cell's new and old running
total as of the last month the run rewrote. Instead of deleting every running
total of the touched cells from the change's month on and summing them again
from all of their month values (at 1M records, about 4,800 rows for a record
of the first quarter: most of an incremental run's time), an incremental run
(``shift_running_totals``)

1. rewrites the running totals of the months it recomputed (``since`` to
   ``until``), from the running total before them and their month values: a
   row where the cell has a month value, none where it has none (a total
   appears or vanishes with its month's value, as in a full run);
2. adds the difference as of ``until`` to the running totals after it, which
   stay where they are (their months' values did not change). Their rows
   are most of the run's writes (about 6,000 for a record of the first
   quarter at 1M records); the value table's fillfactor (migration 0017)
   leaves room on the pages a row moves to at its first update, so that its
   later updates are HOT: written on the same page, without index entries.

NULL is not 0: a definition without splits has NULL splits, and a running
total's split is NULL while every month value's split so far is NULL. The
difference keeps that: a split that was NULL and now has a number is
``COALESCE(split, 0) + number``; one that had a number and has none now
cannot be told from the later totals alone (NULL or 0?), and the run then
rewrites those totals from their month values as before
(``cumulative_rewrite``). Only for definitions that add up across periods:
distinct counts have no running totals.
"""

from __future__ import annotations

import datetime as dt
import json

from indicators.engine.batch import cumulative_rewrite
from indicators.engine.facts import COLUMNS, SPLIT_FIELDS, VALUES
from indicators.engine.writes import cells_condition, cells_filter

# The columns a running total sums: the value, then the splits; and the
# types of (definition, governorate, programme, donor, the summed columns).
SUMMED = ["value", *SPLIT_FIELDS]
_CASTS = ["bigint"] * 4 + ["numeric"] + ["bigint"] * len(SPLIT_FIELDS)


def _key(row) -> tuple:
    return tuple(row[:4])  # definition, governorate, programme, donor


def _before(cursor, definition_ids: list[int], cells: set[tuple], since: dt.date) -> dict:
    """{(definition, g, pr, d): summed columns} of the latest running total of
    each definition and cell before ``since``: one index seek each."""
    parts, params = [], []
    summed = ", ".join(f"t.{column}" for column in SUMMED)
    for cell in sorted(cells, key=str):
        condition, cell_params = cells_condition(
            {cell}, ("t.governorate_id", "t.programme_id", "t.donor_id")
        )
        parts.append(
            f"SELECT x.* FROM unnest(%s::bigint[]) i(def) CROSS JOIN LATERAL ("
            f"SELECT t.definition_id, t.governorate_id, t.programme_id, t.donor_id, {summed} "
            f"FROM {VALUES} t WHERE t.definition_id = i.def AND {condition} "
            f"AND t.period_type = 'cumulative' AND t.period_end < %s "
            f"ORDER BY t.period_end DESC LIMIT 1) x"
        )
        params += [definition_ids, *cell_params, since]
    cursor.execute(" UNION ALL ".join(parts), params)
    return {_key(row): list(row[4:]) for row in cursor.fetchall()}


def shift_running_totals(
    cursor, definition_ids: list[int], *, cells: set[tuple], since: dt.date, until: dt.date
) -> int:
    """The running totals of the cumulative definitions ``definition_ids``
    (which add up across periods) for ``cells`` (a few: the value table's
    index seeks them), after an incremental run rewrote their month values
    of month ends ``since`` to ``until`` (and no others): rewritten within
    those months, moved by the difference after them. Returns the rows
    written (inserted or updated)."""
    if not cells:
        return 0
    base = _before(cursor, definition_ids, cells, since)
    cell_sql, cell_params = cells_filter(cells)
    summed = ", ".join(f"t.{column}" for column in SUMMED)
    # The rewritten months of the cells, of one period type.
    rewritten = (
        f"t.definition_id = ANY(%s) AND t.period_type = %s "
        f"AND t.period_end >= %s AND t.period_end <= %s{cell_sql}"
    )
    cursor.execute(
        f"DELETE FROM {VALUES} t WHERE {rewritten} "
        f"RETURNING t.definition_id, t.governorate_id, t.programme_id, t.donor_id, "
        f"t.period_end, {summed}",
        [definition_ids, "cumulative", since, until, *cell_params],
    )
    old = dict(base)
    for row in sorted(cursor.fetchall(), key=lambda row: row[4]):
        old[_key(row)] = list(row[5:])
    # The rewritten months' totals: the total before plus the running sum of
    # the month values, summed by the database from its rows (no row goes
    # through Python). NULLs add nothing, as in SQL's SUM: a NULL total plus a
    # number is the number, and NULL plus NULL is NULL.
    width = len(SUMMED)
    names = ["def", "g", "pr", "d", *SUMMED]
    shape = ", ".join(f"{name} {cast}" for name, cast in zip(names, _CASTS, strict=True))
    window = ", ".join(f"SUM(t.{column}) OVER cell AS {column}" for column in SUMMED)
    totals = ", ".join(
        f"COALESCE(b.{column} + m.{column}, b.{column}, m.{column})" for column in SUMMED
    )
    cursor.execute(
        f"INSERT INTO {VALUES} ({COLUMNS}) "
        f"SELECT m.definition_id, 'cumulative', NULL::date, m.period_end, m.governorate_id, "
        f"m.programme_id, m.donor_id, {totals}, m.multiplier_id, m.multiplier_value, m.computed_at "
        f"FROM (SELECT t.definition_id, t.governorate_id, t.programme_id, t.donor_id, "
        f"t.period_end, {window}, t.multiplier_id, t.multiplier_value, t.computed_at "
        f"FROM {VALUES} t WHERE {rewritten} WINDOW cell AS (PARTITION BY t.definition_id, "
        f"t.governorate_id, t.programme_id, t.donor_id ORDER BY t.period_end)) m "
        f"LEFT JOIN json_to_recordset(%s) b({shape}) ON b.def = m.definition_id "
        f"AND b.g IS NOT DISTINCT FROM m.governorate_id "
        f"AND b.pr IS NOT DISTINCT FROM m.programme_id AND b.d IS NOT DISTINCT FROM m.donor_id "
        f"RETURNING definition_id, governorate_id, programme_id, donor_id, period_end, "
        f"{', '.join(SUMMED)}",
        [
            definition_ids,
            "month",
            since,
            until,
            *cell_params,
            _json([dict(zip(names, [*key, *total], strict=True)) for key, total in base.items()]),
        ],
    )
    new = dict(base)
    for row in sorted(cursor.fetchall(), key=lambda row: row[4]):
        new[_key(row)] = list(row[5 : 5 + width])
    written = cursor.rowcount
    # What the later running totals gain: per column, (the total before to
    # use for a NULL: 0 where a NULL total now has a number, else NULL to keep
    # a NULL a NULL; the difference).
    shifts = []
    for key in sorted(old.keys() | new.keys(), key=str):
        before = list(old.get(key, [None] * width))
        after = list(new.get(key, [None] * width))
        if before == after:
            continue
        # The value is never NULL: a cell without a total has 0 so far.
        before[0] = before[0] or 0
        after[0] = after[0] or 0
        shift = []
        for a, b in zip(before, after, strict=True):
            if a is not None and b is None:
                # A number that became NULL: 0 or NULL later? Sum them again.
                return written + cumulative_rewrite(
                    cursor, definition_ids, cells=cells, since=add_day(until)
                )
            if a == b:
                shift += [None, 0]
            elif a is None:
                shift += [0, b]
            else:
                shift += [None, b - a]
        shifts.append([*key, *shift])
    if not shifts:
        return written
    names = ["def", "g", "pr", "d", *(f"{p}_{column}" for column in SUMMED for p in ("z", "d"))]
    casts = ["bigint"] * 4 + [t for column in SUMMED for t in _types(column)]
    sets = ", ".join(
        f"{column} = COALESCE(t.{column}, c.z_{column}) + c.d_{column}" for column in SUMMED
    )
    shape = ", ".join(f"{name} {cast}" for name, cast in zip(names, casts, strict=True))
    cursor.execute(
        f"UPDATE {VALUES} t SET {sets} FROM json_to_recordset(%s) c({shape}) "
        f"WHERE t.definition_id = c.def AND COALESCE(t.governorate_id, 0) = COALESCE(c.g, 0) "
        f"AND COALESCE(t.programme_id, 0) = COALESCE(c.pr, 0) "
        f"AND COALESCE(t.donor_id, 0) = COALESCE(c.d, 0) "
        f"AND t.definition_id = ANY(%s) AND t.period_type = 'cumulative' "
        f"AND t.period_end > %s{cell_sql}",
        [
            _json([dict(zip(names, shift, strict=True)) for shift in shifts]),
            definition_ids,
            until,
            *cell_params,
        ],
    )
    return written + cursor.rowcount


def _json(rows: list[dict]) -> str:
    """``rows`` as a JSON array for ``json_populate_recordset`` and
    ``json_to_recordset``: numbers, dates and times as their text, which
    PostgreSQL reads back exactly into the columns' types."""
    return json.dumps(rows, default=str)


def add_day(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1)


def _types(column: str) -> tuple[str, str]:
    kind = "numeric" if column == "value" else "bigint"
    return kind, kind
