"""``make bench BENCH_ARGS=--verbose``: where a full recomputation spends its time.

Two more full runs on the benchmark database: one timed by step (the engine's
hooks, ``indicators.engine.timings``: lock, cube build, new table, each
definition's one statement of GROUPING SETS, running totals and writes, the
count, the index build, ANALYZE and the table swap; what is left is the
commit and Python), and one with every definition's statement under EXPLAIN
ANALYZE, its time split by plan node (the scans and joins of the facts, the
GROUPING SETS, the running totals' window, the inserts), which slows it."""

from __future__ import annotations

import time


def _print_table(title: str, rows: dict[str, float], total: float) -> None:
    print(f"  {title}", flush=True)
    for name, seconds in rows.items():
        share = seconds / total * 100 if total else 0.0
        print(f"    {name:<52} {seconds:8.3f} s {share:5.1f}%", flush=True)


def print_full_run_profile(median_s: float) -> dict:
    """Print both breakdowns (the median full run ``median_s`` beside them);
    return them as {"steps": {...}, "nodes": {...}, "wall_s": ...}."""
    from indicators.engine import recompute_full
    from indicators.engine.timings import collect

    print(f"profile of a full run (median {median_s:.3f} s):", flush=True)
    with collect() as by_step:
        start = time.perf_counter()
        recompute_full(progress=lambda *_: None)
        wall = time.perf_counter() - start
    steps = dict(by_step.steps)
    # The second connection's statements run beside the main one's
    # (``indicators/engine/parallel.py``): the rest is the wall time the
    # main connection's steps leave.
    main = sum(v for k, v in steps.items() if not k.endswith("[second connection]"))
    steps["commit, Python and the rest"] = max(wall - main, 0.0)
    _print_table(f"by step (this run {wall:.3f} s)", steps, wall)

    with collect(explain=True) as by_node:
        start = time.perf_counter()
        recompute_full(progress=lambda *_: None)
        explained = time.perf_counter() - start
    nodes = dict(sorted(by_node.nodes.items(), key=lambda item: -item[1]))
    statements = sum(v for k, v in by_node.steps.items() if k.startswith("definition"))
    _print_table(
        f"the definitions' statements by plan node (EXPLAIN ANALYZE, {statements:.3f} s "
        f"of a {explained:.3f} s run; approximate)",
        nodes,
        sum(nodes.values()),
    )
    return {"steps": steps, "nodes": nodes, "wall_s": wall}
