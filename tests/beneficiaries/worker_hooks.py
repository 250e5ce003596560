"""Loaded by the test worker of ``test_import_worker`` (``CELERY_IMPORTS``):
a pause right after the first commit of an import's write, for the test to
kill the worker between that commit and the task's acknowledgement, and a
log of the tasks the worker finished."""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery.signals import task_postrun, task_prerun
from django.db.backends.base.base import BaseDatabaseWrapper

PAUSE_MARKER = os.environ.get("IMPORT_TEST_PAUSE_MARKER", "")
DONE_LOG = os.environ.get("IMPORT_TEST_DONE_LOG", "")
_running: list[str] = []
_commit = BaseDatabaseWrapper.commit


def _commit_then_pause(self):
    _commit(self)
    if _running == ["beneficiaries.import_write"] and PAUSE_MARKER:
        marker = Path(PAUSE_MARKER)
        if not marker.exists():
            marker.write_text("committed")
            time.sleep(600)  # killed here by the test


BaseDatabaseWrapper.commit = _commit_then_pause


@task_prerun.connect
def _started(task=None, **kwargs):
    _running[:] = [task.name]


@task_postrun.connect
def _finished(task_id=None, task=None, **kwargs):
    _running.clear()
    if DONE_LOG:
        with open(DONE_LOG, "a", encoding="utf-8") as log:
            log.write(f"{task_id}\n")
