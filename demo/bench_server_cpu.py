"""The database server's CPU-seconds for ``make bench``: a measure the other
processes of a shared machine do not inflate as they do wall time.

A run's CPU is that of this connection's backend (``/proc/<pid>/stat``,
user + system) plus that of every child of the postmaster that exited
meanwhile (its ``cutime + cstime``): the full run's second connection,
parallel workers (the cube and the index builds), and autovacuum if it ran
then (a few hundredths of a second at most; other databases' sessions of
the same server too, which the bench's server has none of). Only where the
server's processes are this machine's and readable: the embedded server of
``iomdash.stack``; not a server in a container or on another host, nor for a
role that may not read ``data_directory``."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

# Long enough for the postmaster to reap a child that has just exited (the
# full run's second connection closes as the run returns).
SETTLE_S = 0.2


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """(this process's user + system, its waited-for children's) in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    utime, stime, cutime, cstime = (int(value) / tick for value in fields[11:15])
    return utime + stime, cutime + cstime


def server_cpu_clock(cursor) -> Callable[[], float] | None:
    """A clock of the server's CPU-seconds as seen from ``cursor``'s
    connection (see the module's docstring), or None where it cannot be read."""
    try:
        cursor.execute("SELECT pg_backend_pid(), current_setting('data_directory')")
        backend, data_directory = cursor.fetchone()
        postmaster = int((Path(data_directory) / "postmaster.pid").read_text().split()[0])
        _cpu_seconds(backend)
        _cpu_seconds(postmaster)
    except Exception:  # another host, a container, no permission: no clock
        return None

    def clock() -> float:
        own, _children = _cpu_seconds(backend)
        _own, children = _cpu_seconds(postmaster)
        return own + children

    return clock


def median_runs(
    fn: Callable[[], object], runs: int, clock: Callable[[], float] | None, warmup: int = 1
) -> tuple[float, float | None]:
    """(median wall seconds, median server CPU-seconds or None without a
    clock) of ``runs`` calls of ``fn`` after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(runs):
        cpu_before = clock() if clock else 0.0
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
        if clock:
            time.sleep(SETTLE_S)
            cpus.append(clock() - cpu_before)
    return statistics.median(walls), statistics.median(cpus) if clock else None
