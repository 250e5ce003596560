"""The indicator engine: set-based SQL from the records to ``IndicatorValue`` rows.

The rules it applies are in ``indicators/models.py``'s docstring. How:

1. *Facts.* For each source (``indicators/sources/``, one module each), one SELECT gives rows of (governorate ``g``,
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
change, recomputes the cells it touched in the months and quarters it
touched (from the records of those quarters; every cell of them after a bulk
change) and the running totals of those cells from that month on. Both derive running totals from month values
the same way, so an incremental run leaves the same table as a full one.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.utils import OperationalError
from django.utils import timezone

from indicators.engine import changes, parallel, writes
from indicators.engine.batch import batched, cumulative_rewrite, write_batch
from indicators.engine.facts import (
    CUBED_SOURCES,
    LOCK_NAME,
    VALUES,
    DefinitionSQL,
    EngineBusy,
    Multipliers,
    NoMultiplier,
    Scope,
    build_cubes,
    filter_ids,
)
from indicators.engine.running import shift_running_totals
from indicators.engine.table import new_table, swap_in
from indicators.engine.timings import step
from indicators.engine.writes import (
    cells_filter,
    write_all_periods_additive,
    write_cumulative,
    write_periods,
)
from indicators.models import EngineLock, IndicatorDefinition
from indicators.periods import add_months, month_start, quarter_start

log = logging.getLogger(__name__)

# What other modules use (the services, the benchmark, the tests).
__all__ = [
    "EngineBusy",
    "NoMultiplier",
    "Scope",
    "add_months",
    "definitions_for",
    "month_start",
    "quarter_start",
    "recompute_full",
    "recompute_incremental",
    "rollup_cells",
]

# Looked up here at each run, so a test can replace them.
_write_all_periods_additive = write_all_periods_additive
_write_batch = write_batch


def _lock(cursor, *, wait: bool) -> None:
    """Take the engine's lock for this transaction (and give the transaction
    room for its hash aggregates), and stamp the data as changed by it."""
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
    # A new data stamp, committed with the values: the dashboards' caches
    # (keyed by it) see the run exactly when its values can be read.
    cursor.execute("SELECT indicators_data_stamp_bump()")


Progress = Callable[[int, str], None]


def _no_progress(percent: int, step: str) -> None:
    log.info("recompute %s%% %s", percent, step)


def _tasks(
    sqls: list[DefinitionSQL], now: dt.datetime, table: str
) -> list[tuple[str, str, Callable]]:
    """The full run's statements as (name for the timings, label for the
    progress, what runs it on a cursor), the largest first (the groups of
    definitions sharing their facts, then the distinct counts)."""
    groups, alone = batched(sqls)
    tasks = []
    for group in sorted(groups, key=len, reverse=True):
        # One statement for definitions sharing their facts: one pass.
        codes = ", ".join(sql.d.code for sql in group)
        tasks.append(
            (
                f"definitions {codes} ({group[0].d.source}, one pass)",
                codes,
                lambda cursor, group=group: _write_batch(cursor, group, now, table),
            )
        )
    for sql in sorted(alone, key=lambda sql: sql.d.adds_up_across_periods):
        definition = sql.d
        # One statement each: GROUPING SETS, running totals and writes.
        if definition.adds_up_across_periods:
            run = lambda cursor, sql=sql: _write_all_periods_additive(cursor, sql, now, table)  # noqa: E731
        else:
            # A distinct count: never a running total (a constraint says so).
            run = lambda cursor, sql=sql: write_periods(cursor, sql, now, None, table=table)  # noqa: E731
        tasks.append((f"definition {definition.code} ({definition.source})", definition.name, run))
    return tasks


def recompute_full(
    *, definitions: Iterable[IndicatorDefinition] | None = None, progress: Progress = _no_progress
) -> int:
    """Recompute every value of ``definitions`` (default: all active ones; the
    values of inactive ones are removed). One transaction: on any failure the
    previous values stay. Raises EngineBusy if another run holds the lock.
    Returns the number of values written.

    For all definitions, the values are written to a table of their own, and
    then only those that changed are written to the value table
    (``changes.py``); or, when it is empty or many changed, that table takes
    the value table's place: a million inserts into an unindexed table and one
    index build cost a fraction of deleting and re-inserting them through the
    index. Unless called inside a transaction, by two connections at once
    (``parallel.py``)."""
    everything = definitions is None
    if everything:
        definitions = IndicatorDefinition.objects.filter(is_active=True).prefetch_related(
            "activity_types", "sectors", "programmes"
        )
    definitions = list(definitions)
    multipliers = Multipliers.load()
    now = timezone.now()
    sqls = [DefinitionSQL(d, multipliers, None) for d in definitions]
    needs_splits = any(d.has_splits for d in definitions)
    cubed = {d.source for d in definitions} & CUBED_SOURCES

    def cubes(cursor) -> None:
        build_cubes(cursor, None, sources=cubed, splits=needs_splits)

    if everything and not connection.in_atomic_block:
        second = parallel.Second.open()
        if second is not None:
            return _recompute_on_two(second, sqls, now, cubes, progress)
    with transaction.atomic(), connection.cursor() as cursor:
        with step("lock"):
            _lock(cursor, wait=False)
        progress(2, "summing approved assistance records")
        with step("cube build"):
            cubes(cursor)
        ids = [d.pk for d in definitions]
        if everything:
            staged = changes.has_values(cursor)
            with step("new table"):
                table = (changes.staging_table if staged else new_table)(cursor)
        else:
            table = VALUES
            with step("delete old values"):
                cursor.execute(f"DELETE FROM {VALUES} WHERE definition_id = ANY(%s)", [ids])
        progress(20, "computing")
        tasks = _tasks(sqls, now, table)
        for done, (name, label, run) in enumerate(tasks, start=1):
            with step(name):
                run(cursor)
            progress(20 + int(70 * done / len(tasks)), label)
        with step("count"):
            if everything:
                # The new table holds only this transaction's rows: its own
                # count of them, without scanning a million rows again.
                cursor.execute("SELECT pg_stat_get_xact_tuples_inserted(%s::regclass)", [table])
            else:
                cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE definition_id = ANY(%s)", [ids])
            written = cursor.fetchone()[0]
        if everything:
            _write_in(cursor, staged=staged, written=written, progress=progress)
    progress(100, "done")
    return written


def _write_in(cursor, *, staged: bool, written: int, progress: Progress) -> None:
    """A full run's values (``written`` of them) into the value table: only
    those that changed when they were staged and few changed
    (``changes.py``), else a new table swapped in."""
    if staged:
        with step("difference"):
            changed = changes.difference(cursor)
        log.info("full run: %s values changed, gone or new, of %s", changed, written)
        if changed <= changes.LARGE * written:
            progress(92, "writing the values that changed")
            with step("apply"):
                changes.apply(cursor)
            return
        with step("new table from the staged values"):
            changes.from_staging(cursor, new_table)
    progress(92, "indexing the new values")
    swap_in(cursor)


def _recompute_on_two(
    second: parallel.Second,
    sqls: list[DefinitionSQL],
    now: dt.datetime,
    cubes: Callable,
    progress: Progress,
) -> int:
    """``recompute_full`` of every definition on two connections (``parallel.py``)."""
    locked = False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            with step("lock"):
                _lock(cursor, wait=False)
            locked = True
            staged = changes.has_values(cursor)
            progress(2, "summing approved assistance records")
            table = second.prepare(
                cursor,
                build_cubes=cubes,
                new_table=changes.staging_table if staged else new_table,
            )
            progress(20, "computing")
            tasks = _tasks(sqls, now, table)
            labels = {name: label for name, label, _run in tasks}
            finished = []

            def done(name: str) -> None:
                finished.append(name)
                progress(20 + int(70 * len(finished) / len(tasks)), labels[name])

            # Each connection's count of its own rows in the new table.
            count = f"SELECT pg_stat_get_xact_tuples_inserted('{table}'::regclass)"
            written = parallel.run_both(
                cursor, second, [(name, run) for name, _label, run in tasks], count, done=done
            )
            with step("count"):
                cursor.execute(count)
                written += cursor.fetchone()[0]
            second.drop_cubes(cursor)
            _write_in(cursor, staged=staged, written=written, progress=progress)
    except BaseException:
        if locked:  # else the new table, if any, is the running run's
            try:
                second.clean_up()
            except Exception:
                log.exception("the failed run's new table and cubes were not dropped")
        raise
    finally:
        second.close()
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
    # The filters' ids in the same query (``filter_ids``): a prefetch of the
    # three relations cost an incremental run more than its cube at 1M
    # records (4 queries and model instances: 61 ms against 16 ms, load average 7).
    definitions = IndicatorDefinition.objects.filter(is_active=True, source=scope.source).annotate(
        **filter_ids()
    )
    if scope.definition_ids is not None:
        definitions = definitions.filter(pk__in=scope.definition_ids)
    return list(definitions)


def recompute_incremental(scope: Scope) -> int:
    """Recompute what ``scope`` touched: its cells (every cell when they are
    many) in its months and quarters, and the running totals of its cells
    from its earliest month on. A cell's values come from the records of
    that cell alone, and the scope's cells roll up every (governorate,
    programme, donor) of the records before and after the change. Waits for
    a running recomputation to finish. Returns the number of values written."""
    definitions = definitions_for(scope)
    if not definitions or not scope.months:
        return 0
    multipliers = Multipliers.load()
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
            build_cubes(cursor, ranges, sources={scope.source}, splits=needs_splits)
        ids = [d.pk for d in definitions]
        # Only the cuts the change touched, when they are few (one record's
        # eight): the value table's index seeks them. Else every cut of the
        # months and quarters (a bulk import's).
        few = cells if len(cells) <= writes.INDEXED_CELLS else None
        cell_sql, cell_params = cells_filter(few)
        month_ends = [add_months(m, 1) - dt.timedelta(days=1) for m in months]
        quarter_ends = [end - dt.timedelta(days=1) for _start, end in ranges]
        # Every period end is a month end (a quarter's too): ``period_end =
        # ANY`` outside the OR lets the index seek each cell's few months
        # instead of reading every row of the cell (17,000 rows at 1M).
        cursor.execute(
            f"DELETE FROM {VALUES} t WHERE t.definition_id = ANY(%s) AND t.period_end = ANY(%s) "
            f"AND (t.period_type = 'month' OR "
            f"(t.period_type = 'quarter' AND t.period_end = ANY(%s))){cell_sql}",
            [ids, month_ends, quarter_ends, *cell_params],
        )
        groups, alone = batched([DefinitionSQL(d, multipliers, ranges) for d in definitions])
        # The running totals of a few cells move by the change's difference
        # (``running.py``); of many, they are summed again from the month on.
        # (Within a year: a change spanning years, a record moved from 2016 to
        # 2026, rewrites every total between them anyway, in one INSERT.)
        by_difference = few is not None and months[-1] < add_months(since_month, 12)
        shifted = []
        for group in groups:
            # One pass for definitions sharing their facts, then their running totals.
            written += _write_batch(cursor, group, now, VALUES, quarters=quarters, cells=few)
            cumulative = [sql.d.pk for sql in group if sql.d.is_cumulative]
            if cumulative and by_difference:
                shifted += cumulative
            elif cumulative:
                written += cumulative_rewrite(cursor, cumulative, cells=cells, since=since)
        for sql in alone:
            definition = sql.d
            written += write_periods(cursor, sql, now, quarters, cells=few)
            if definition.is_cumulative and by_difference and definition.adds_up_across_periods:
                shifted.append(definition.pk)
            elif definition.is_cumulative:
                cell_sql, cell_params = cells_filter(cells)
                cursor.execute(
                    f"DELETE FROM {VALUES} t WHERE t.definition_id = %s AND t.period_type = 'cumulative' "
                    f"AND t.period_end >= %s{cell_sql}",
                    [definition.pk, since, *cell_params],
                )
                written += write_cumulative(cursor, definition, cells=cells, since=since)
        if shifted:
            written += shift_running_totals(
                cursor, shifted, cells=few, since=since, until=month_ends[-1]
            )
    return written
