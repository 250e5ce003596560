"""An import through a real Celery worker and real Redis: the worker is
killed (SIGKILL) between the commit of the records and the acknowledgement
of the task, the task is delivered again to a new worker, and the batch is
written once. And, without a worker, a second write of a batch that is
already in the table fails on the database's unique (import, row)."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from beneficiaries import imports
from beneficiaries.imports import status as import_status
from beneficiaries.models import AssistanceRecord
from beneficiaries.tasks import import_write_task
from iomdash.worker import WorkerProcess
from tests.beneficiaries.imports.helpers import GOOD, csv_file, with_cells
from tests.beneficiaries.test_services import build_world
from tests.conftest import database_url_for

ROWS = [with_cells(GOOD, people=str(6 + n)) for n in range(5)]


def _wait(condition, *, timeout: float = 60, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def hooked_workers(django_db_serialized_rollback, transactional_db, settings, tmp_path):
    """Start workers loading ``worker_hooks``: the first write of an import
    pauses right after its commit (and writes ``marker``)."""
    settings.IMPORT_ROOT = tmp_path / "imports"
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.beneficiaries.worker_settings",
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "IMPORT_ROOT": str(settings.IMPORT_ROOT),
        "IMPORT_TEST_PAUSE_MARKER": str(tmp_path / "committed"),
        "IMPORT_TEST_DONE_LOG": str(tmp_path / "done.log"),
    }
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(name="import", env=env)
        started.append(worker)
        worker.wait_ready()
        return worker

    start.marker = tmp_path / "committed"
    start.done_log = tmp_path / "done.log"
    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.mark.worker
def test_a_worker_killed_after_the_commit_leaves_the_batch_written_once(client, hooked_workers):
    world = build_world()
    first = hooked_workers()
    client.force_login(world["alice"])
    response = client.post(reverse("beneficiaries:import_upload"), {"file": csv_file(ROWS)})
    batch_id = re.search(r"/import/([0-9a-f-]{36})/", response["Location"]).group(1)
    _wait(
        lambda: imports.status_read(batch_id)["state"] == "checked",
        what="the dry run in the worker",
    )
    assert imports.status_read(batch_id)["errors_total"] == 0

    client.post(reverse("beneficiaries:import_confirm", args=[batch_id]))
    _wait(hooked_workers.marker.exists, what="the records' commit")
    # Committed, with "done" in the same transaction; the task is not acknowledged.
    assert AssistanceRecord.objects.filter(import_batch=batch_id).count() == 5
    assert imports.status_read(batch_id)["state"] == "done"
    os.kill(first.pid, signal.SIGKILL)
    first.process.wait(timeout=20)

    second = hooked_workers()
    again = import_write_task.apply_async(args=[batch_id])
    _wait(
        lambda: (
            hooked_workers.done_log.exists() and again.id in hooked_workers.done_log.read_text()
        ),
        what="the second delivery",
    )
    assert second.process.poll() is None

    assert AssistanceRecord.objects.filter(import_batch=batch_id).count() == 5
    assert AssistanceRecord.history.count() == 5
    assert sorted(AssistanceRecord.objects.values_list("people", flat=True)) == [6, 7, 8, 9, 10]
    batch = imports.status_read(batch_id)
    assert batch["state"] == "done" and batch["counts"]["created"] == 5
    assert batch["attempts"] == 1  # the second delivery did not take it
    page = client.get(reverse("beneficiaries:import_detail", args=[batch_id])).content.decode()
    assert "5 assistance records imported" in page


@pytest.mark.django_db
def test_a_second_write_of_a_written_batch_is_refused_by_the_database(
    client, settings, tmp_path, eager_tasks
):
    """Even a run that finds the import "importing" again (its state lost,
    as a status file could be) cannot add the rows a second time."""
    from django.test import TestCase

    settings.IMPORT_ROOT = tmp_path / "imports"
    world = build_world()
    client.force_login(world["alice"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("beneficiaries:import_upload"), {"file": csv_file(ROWS)})
    batch_id = re.search(r"/import/([0-9a-f-]{36})/", response["Location"]).group(1)
    # Keep the file (deleted on commit otherwise) to write it again.
    imports.import_confirm(batch_id=batch_id, user=world["alice"])
    imports.import_write(batch_id=batch_id)
    assert AssistanceRecord.objects.count() == 5
    import_status._status_update(batch_id, state="importing")
    assert Path(import_status.upload_path(batch_id, imports.status_read(batch_id))).exists()

    imports.import_write(batch_id=batch_id)

    assert AssistanceRecord.objects.count() == 5
    assert AssistanceRecord.history.count() == 5


def test_the_writes_progress_is_seen_before_its_commit(
    django_db_serialized_rollback, transactional_db, settings, tmp_path, monkeypatch
):
    """The write is one transaction; its progress still reaches the page."""
    from django.db import connections

    from beneficiaries.imports import run, write

    settings.IMPORT_ROOT = tmp_path / "imports"
    monkeypatch.setattr(run, "PROGRESS_EVERY", 2)
    world = build_world()
    batch = imports.import_create(user=world["alice"], upload=csv_file(ROWS))
    imports.import_check(batch_id=batch["id"])
    imports.import_confirm(batch_id=batch["id"], user=world["alice"])
    seen = []
    add = write.RecordWriter.add
    outside = connections.create_connection("default")

    def add_and_look(self, values, *, row):
        add(self, values, row=row)
        with outside.cursor() as cursor:
            cursor.execute(
                "SELECT state, rows_done FROM beneficiaries_importbatch WHERE id = %s",
                [batch["id"]],
            )
            seen.append(cursor.fetchone())

    monkeypatch.setattr(write.RecordWriter, "add", add_and_look)
    try:
        imports.import_write(batch_id=batch["id"])
    finally:
        outside.close()

    assert ("importing", 4) in seen  # rows 1-4 read, nothing committed yet
    assert imports.status_read(batch["id"])["state"] == "done"
    assert AssistanceRecord.objects.count() == 5
