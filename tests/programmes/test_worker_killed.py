"""A worker killed (SIGKILL) in the middle of a full recomputation, on the
real stack: the job's page says "interrupted, restarting" once its lease
expires instead of a frozen bar, beat's reclaim queues it again, and a new
worker runs it to the end, once."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from indicators import services
from indicators.models import RecomputeJob
from iomdash.worker import WorkerProcess
from tests.conftest import database_url_for
from tests.factories import ProjectFactory
from tests.indicators.conftest import define, record, value

LEASE_S = 2


def _wait(condition, *, timeout: float = 60, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.worker
def test_a_recomputation_whose_worker_is_killed_restarts_and_ends_once(
    django_db_serialized_rollback, transactional_db, settings, tmp_path, admin_client
):
    settings.JOB_LEASE_SECONDS = LEASE_S
    marker = tmp_path / "paused"
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.programmes.worker_settings",
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "JOB_LEASE_SECONDS": str(LEASE_S),
        "LEASE_TEST_PAUSE_MARKER": str(marker),
    }
    define("units", source="assistance", measure="units")
    record(ProjectFactory(), on=dt.date(2018, 1, 1), units=4)
    workers = [WorkerProcess(name="lease", env=env)]
    try:
        workers[0].wait_ready()
        with transaction.atomic():
            job = services.recompute_request_full(user=None)
        _wait(marker.exists, what="the recomputation to start in the worker")
        job.refresh_from_db()
        assert job.status == "running" and job.attempts == 1
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].process.wait(timeout=20)

        page_url = reverse("admin:indicators_recomputejob_change", args=[job.pk])
        _wait(
            lambda: "Interrupted, restarting" in admin_client.get(page_url).content.decode(),
            timeout=LEASE_S * 5,
            what="the page to say the job was interrupted",
        )
        assert services.recompute_reclaim() == [job.pk]  # what beat runs every 20 s
        workers.append(WorkerProcess(name="lease", env=env))
        workers[1].wait_ready()
        _wait(
            lambda: RecomputeJob.objects.get(pk=job.pk).status == "done",
            what="the second worker to finish the job",
        )
    finally:
        for worker in workers:
            worker.stop()
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts) == ("done", 100, 2)
    assert value("units") == 4
    assert services.recompute_reclaim() == []
    assert "Interrupted" not in admin_client.get(page_url).content.decode()
