"""Where the CPU of a load run goes: the user+system time of each process
group, read from ``/proc`` over the run, divided by its requests.

The groups: the gunicorn workers (the master and its children), the
PostgreSQL server of this checkout's ``.data`` (its postmaster and every
backend), its Redis, the load generator (this process: its users are
threads), and the rest of the machine (``/proc/stat``'s busy time less the
groups: other work sharing the cores). Processes are sampled every half
second, so that a backend that ends during the run (connections are
reopened after ``CONN_MAX_AGE``) still counts up to its last sample; one
that starts counts from zero. Linux only; elsewhere the figures are empty."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 10.0
PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, user+system ticks) of ``pid``, or None if it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _busy_ticks() -> int:
    """The machine's busy time (every core), in ticks."""
    fields = [int(x) for x in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # less idle and iowait


def _pid_in(path: Path) -> int | None:
    try:
        return int(path.read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


class CpuSampler:
    """Samples the groups from :meth:`start` to :meth:`stop`."""

    def __init__(self, *, gunicorn: int, data_dir: Path, interval: float = 0.5) -> None:
        self.roots = {
            "gunicorn": gunicorn,
            "postgres": _pid_in(data_dir / "postgres" / "postmaster.pid"),
            "redis": _pid_in(data_dir / "redis" / "redis.pid"),
        }
        self.interval = interval
        self.first: dict[int, int] = {}
        self.last: dict[int, tuple[str, int]] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        stats = {}
        for entry in os.scandir(PROC):
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat is not None:
                    stats[int(entry.name)] = stat
        groups = {root: name for name, root in self.roots.items() if root}
        groups[os.getpid()] = "generator"
        for pid, (ppid, ticks) in stats.items():
            group = groups.get(pid) or groups.get(ppid)
            if group is not None:
                self.last[pid] = (group, ticks)

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            self._sample()

    def start(self) -> None:
        self._sample()
        self.first = {pid: ticks for pid, (_group, ticks) in self.last.items()}
        self._busy = _busy_ticks()
        self._started = time.monotonic()
        self._thread.start()

    def stop(self, requests: int) -> dict:
        """CPU ms a request of each group over the run (``other``: the rest of
        the machine), and the machine's busy share of its cores."""
        self._done.set()
        self._thread.join()
        self._sample()
        busy = _busy_ticks() - self._busy
        wall = time.monotonic() - self._started
        totals = dict.fromkeys(["gunicorn", "postgres", "redis", "generator"], 0)
        for pid, (group, ticks) in self.last.items():
            totals[group] += ticks - self.first.get(pid, 0)
        totals["other"] = max(0, busy - sum(totals.values()))
        per = max(requests, 1)
        return {
            "load_cpu_ms_per_request": {
                group: round(ticks * TICK_MS / per, 2) for group, ticks in totals.items()
            },
            "load_cpu_s": {
                group: round(ticks * TICK_MS / 1000, 1) for group, ticks in totals.items()
            },
            "load_cpu_busy_share": round(busy * TICK_MS / 1000 / wall / (os.cpu_count() or 1), 3),
        }
