"""Where a run spends its time, collected only when asked (``make bench
--verbose``): named steps timed around the engine's statements and, with
``explain``, the full run's statements executed under EXPLAIN ANALYZE so
their time splits by plan node (scans and joins of the facts, GROUPING SETS,
running totals, writes). Outside ``collect()`` the hooks cost a lookup."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Timings:
    """Seconds per named step, in the order first met, and (with
    ``explain``) seconds per kind of plan node, exclusive of their children."""

    explain: bool = False
    steps: dict[str, float] = field(default_factory=dict)
    nodes: dict[str, float] = field(default_factory=dict)

    def add(self, table: dict[str, float], name: str, seconds: float) -> None:
        table[name] = table.get(name, 0.0) + seconds


_active: ContextVar[Timings | None] = ContextVar("engine_timings", default=None)


@contextmanager
def collect(*, explain: bool = False) -> Iterator[Timings]:
    """Collect the timings of the runs made inside the block."""
    timings = Timings(explain=explain)
    token = _active.set(timings)
    try:
        yield timings
    finally:
        _active.reset(token)


@contextmanager
def step(name: str) -> Iterator[None]:
    """Time the block as the step ``name`` (added up when met again)."""
    timings = _active.get()
    if timings is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timings.add(timings.steps, name, time.perf_counter() - start)


def _kind(node: dict) -> str:
    node_type = node.get("Node Type", "")
    if node_type == "ModifyTable":
        return "writes (insert)"
    if node_type == "WindowAgg":
        return "running totals (window)"
    if node_type == "Aggregate" and (
        "Grouping Sets" in node or node.get("Strategy") == "Mixed" or "Hash Keys" in node
    ):
        return "GROUPING SETS"
    if node_type == "Aggregate":
        return "other aggregates"
    if "Scan" in node_type or "Join" in node_type or node_type in ("Hash", "Materialize"):
        return "facts (scans and joins)"
    if node_type in ("Sort", "Incremental Sort"):
        return "sorts"
    return "other"


def _walk(node: dict, timings: Timings) -> None:
    loops = node.get("Actual Loops", 1) or 1
    total = node.get("Actual Total Time", 0.0) * loops
    children = node.get("Plans", [])
    inner = sum(c.get("Actual Total Time", 0.0) * (c.get("Actual Loops", 1) or 1) for c in children)
    timings.add(timings.nodes, _kind(node), max(total - inner, 0.0) / 1000)
    for child in children:
        _walk(child, timings)


def execute(cursor, sql: str, params: list) -> None:
    """``cursor.execute(sql, params)``; inside ``collect(explain=True)`` the
    same statement under EXPLAIN ANALYZE (it still runs, and writes), its
    plan's node times added to the timings (approximate: a CTE's time can
    count under its scan as well)."""
    timings = _active.get()
    if timings is None or not timings.explain:
        cursor.execute(sql, params)
        return
    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    _walk(plan[0]["Plan"], timings)
