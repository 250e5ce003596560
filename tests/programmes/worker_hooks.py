"""Loaded by the test worker of ``test_worker_killed`` (``CELERY_IMPORTS``):
a full recomputation pauses after its first progress report (and writes the
marker file), for the test to kill the worker mid-task."""

from __future__ import annotations

import os
import time
from pathlib import Path

from indicators import services

PAUSE_MARKER = os.environ.get("LEASE_TEST_PAUSE_MARKER", "")
_report = services._ProgressWriter.__call__


def _report_then_pause(self, percent: int, step: str) -> None:
    _report(self, percent, step)
    if PAUSE_MARKER and not Path(PAUSE_MARKER).exists():
        Path(PAUSE_MARKER).write_text(f"{percent}% {step}")
        time.sleep(600)  # killed here by the test


services._ProgressWriter.__call__ = _report_then_pause
