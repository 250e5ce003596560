"""The full run's figures for ``make bench``.

- ``full_recompute_s`` (and ``full_recompute_cpu_s``): a full run after a
  day of field work. A full run over a value table that holds values writes
  only those that changed (``indicators/engine/changes.py``): on a database
  nothing changed in, it would write none. So before each timed run
  ``FIELD_DAY`` of the records change, as a day's edits in the field would:
  the people of approved records (not shared reaches) chosen at random
  (a fixed seed: ``md5`` of the id) among those of the data's last
  ``FIELD_DAY_DAYS`` days, one more person each, then one less at the next
  run, so that the database ends as it began (an even number of runs, the
  warm-up included). At 1M records, 5,000 records, and 5,687 of 720,628
  values changed, gone or new.
- ``full_recompute_cold_s`` (and ``full_recompute_cold_cpu_s``): a full run
  from an empty value table (a new database), which swaps a new table in.

Medians of ``runs`` runs after a warm-up, as the other figures.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from django.db import connection

from demo.bench_server_cpu import SETTLE_S

FIELD_DAY = 0.005
FIELD_DAY_DAYS = 90


def field_day_records(records: int) -> list[int]:
    """The ids of the records a day of field work changes (see the module)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT id FROM beneficiaries_assistancerecord
            WHERE status = 'approved' AND reach_id IS NULL
              AND delivered_on > (SELECT max(delivered_on) FROM beneficiaries_assistancerecord)
                  - %s
            ORDER BY md5(id::text) LIMIT %s
            """,
            [FIELD_DAY_DAYS, max(1, round(records * FIELD_DAY))],
        )
        return [row[0] for row in cursor.fetchall()]


def _field_day(ids: list[int], people: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE beneficiaries_assistancerecord SET people = people + %s WHERE id = ANY(%s)",
            [people, ids],
        )


def _timed(run: Callable[[], object], clock: Callable[[], float] | None) -> tuple[float, float]:
    before = clock() if clock else 0.0
    start = time.perf_counter()
    run()
    wall = time.perf_counter() - start
    if not clock:
        return wall, 0.0
    time.sleep(SETTLE_S)
    return wall, clock() - before


def _medians(times: list[tuple[float, float]], key: str, clock) -> dict:
    figures = {key: round(statistics.median(wall for wall, _cpu in times), 3)}
    if clock:
        figures[key.removesuffix("_s") + "_cpu_s"] = round(
            statistics.median(cpu for _wall, cpu in times), 2
        )
    return figures


def full_runs(runs: int, clock: Callable[[], float] | None, *, records: int) -> dict:
    """``full_recompute_s`` after a day of field work each (see the module),
    the values a run computed, and the records a day changes."""
    from indicators.engine import recompute_full

    ids = field_day_records(records)
    written = {}

    def full():
        written["n"] = recompute_full(progress=lambda *_: None)

    times = []
    calls = runs + 1 + (runs + 1) % 2  # the warm-up; even, the records back as they were
    for index in range(calls):
        _field_day(ids, 1 if index % 2 == 0 else -1)
        timed = _timed(full, clock)
        if index >= calls - runs:
            times.append(timed)
    return {
        **_medians(times, "full_recompute_s", clock),
        "values_written": written["n"],
        "field_day_records": len(ids),
    }


def cold_runs(runs: int, clock: Callable[[], float] | None) -> dict:
    """``full_recompute_cold_s``: full runs each from an empty value table."""
    from indicators.engine import recompute_full
    from indicators.models import IndicatorValue

    def empty_then_full():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {IndicatorValue._meta.db_table}")
        return _timed(lambda: recompute_full(progress=lambda *_: None), clock)

    return _medians([empty_then_full() for _ in range(runs)], "full_recompute_cold_s", clock)
