"""Gunicorn's threaded worker, taking a new connection only while it holds
no more than its share of the connections of all the workers.

Gunicorn's processes share one listening socket, and a connection stays with
the process that accepted it for as long as the client keeps it open. With
the stock ``gthread`` worker, whichever process wakes first accepts: when
many connections open at once (a morning's logins, a load test), one process
may take most of them and queue their requests behind its threads while the
other idles. Measured under the load test (50 kept connections, 2 processes
of 8 threads): 44 connections against 6, 49 against 1, the crowded process
answering at p50 380-620 ms and the other at 66-140 ms (docs/performance.md,
thirteenth session).

Each worker writes how many connections it holds on a board shared by the
workers (anonymous shared memory, made by gunicorn's master before the first
fork) and listens for new ones only while it holds no more than the mean,
looking at the board again every ``RECHECK_S`` while it does not: the least
loaded worker listens, so every connection is taken (a rule on free threads
instead left connections waiting in the kernel's queue for the whole run
while both workers stayed busy). A slot of a worker that
died is emptied when its replacement starts; until then its last count only
raises the mean. Kept connections, however slow the client, wait in the poller without
a thread, as with gunicorn's own worker."""

from __future__ import annotations

import mmap
import multiprocessing
import os
import struct

from gunicorn.workers.gthread import ThreadWorker

# (A zombie, a worker exited and not yet reaped by the master, is not alive.)
from iomdash.supervise import _alive

# A slot: the worker's pid and how many connections it holds.
_SLOT = struct.Struct("qq")

# How long a worker that is not listening waits at most before it looks at the
# board again: other workers' new connections may have put it below the mean
# while nothing of its own woke it (gunicorn's loop would sleep a second).
RECHECK_S = 0.01


class BalancedThreadWorker(ThreadWorker):
    # Made in the master (workers are built there before they fork) and so
    # shared by every worker it forks.
    _board: mmap.mmap | None = None
    _slots = 0
    _lock = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cls = type(self)
        if cls._board is None:
            # Room for the workers and their replacements starting while a
            # stopping one still holds its slot.
            cls._slots = 2 * max(self.cfg.workers, 1)
            cls._board = mmap.mmap(-1, cls._slots * _SLOT.size)
            cls._lock = multiprocessing.Lock()
        self.slot: int | None = None

    def init_process(self):
        self.slot = self._claim_slot()
        super().init_process()

    def _claim_slot(self) -> int | None:
        """A slot that is free or whose worker is gone, now this worker's;
        None if every slot is held (the worker then listens as gunicorn's)."""
        with self._lock:
            free = None
            for slot in range(self._slots):
                pid, _count = _SLOT.unpack_from(self._board, slot * _SLOT.size)
                if pid == 0 or not _alive(pid):
                    # A dead worker's count no longer counts.
                    _SLOT.pack_into(self._board, slot * _SLOT.size, 0, 0)
                    free = slot if free is None else free
            if free is not None:
                _SLOT.pack_into(self._board, free * _SLOT.size, os.getpid(), 0)
            return free

    def within_share(self) -> bool:
        """Whether this worker holds no more connections than the mean of
        the workers, after writing its own count on the board."""
        if self.slot is None:
            return True
        _SLOT.pack_into(self._board, self.slot * _SLOT.size, os.getpid(), self.nr_conns)
        total = sum(
            _SLOT.unpack_from(self._board, slot * _SLOT.size)[1] for slot in range(self._slots)
        )
        return self.nr_conns * max(self.cfg.workers, 1) <= total

    def wait_for_and_dispatch_events(self, timeout):
        # A stopping worker takes no new connection: gunicorn's loop stopped
        # listening for good and serves what it holds.
        if self.alive:
            # Gunicorn's loop has just decided from its connection limit alone.
            listening = self.nr_conns < self.worker_connections and self.within_share()
            self.set_accept_enabled(listening)
            if not listening:
                timeout = min(timeout, RECHECK_S)
        super().wait_for_and_dispatch_events(timeout)
