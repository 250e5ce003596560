"""Job leases: a running job's row is stamped while its worker lives; a job
whose worker died shows "interrupted, restarting" instead of a frozen bar, is
queued again, and runs to the end once; a second delivery while a worker
holds it does nothing."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.conf import settings as django_settings
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from beneficiaries import imports
from beneficiaries.models import ImportBatch
from indicators import services as indicator_services
from indicators.models import RecomputeJob
from programmes import outbox
from programmes.leases import Heartbeat
from programmes.models import OutboxTask
from tests.beneficiaries.imports.helpers import GOOD, csv_file
from tests.beneficiaries.test_services import build_world
from tests.factories import ProjectFactory
from tests.indicators.conftest import define, record, value

LONG_AGO = dt.timedelta(minutes=5)


def _job(**fields) -> RecomputeJob:
    return RecomputeJob.objects.create(kind="full", params={"definition_ids": None}, **fields)


@pytest.mark.django_db
def test_a_recomputation_whose_worker_died_says_so_and_is_queued_again(admin_client, eager_tasks):
    define("units", source="assistance", measure="units")
    record(ProjectFactory(), on=dt.date(2018, 1, 1), units=4)
    job = _job(status="running", progress=20, step="people reached", attempts=1,
               heartbeat_at=timezone.now() - LONG_AGO)  # fmt: skip
    page = admin_client.get(reverse("admin:indicators_recomputejob_change", args=[job.pk]))
    text = page.content.decode()
    assert "Interrupted, restarting" in text and "20% — people reached" not in text
    listing = admin_client.get(reverse("admin:indicators_recomputejob_changelist"))
    assert "Interrupted, restarting" in listing.content.decode()

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert indicator_services.recompute_reclaim() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == ("done", 2, 100)
    assert value("units") == 4
    assert indicator_services.recompute_reclaim() == []


@pytest.mark.django_db
def test_a_second_delivery_while_a_worker_holds_the_job_does_nothing():
    job = _job(status="running", progress=20, step="people reached", attempts=1,
               heartbeat_at=timezone.now())  # fmt: skip
    indicator_services.recompute_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == ("running", 1, 20)
    assert indicator_services.recompute_reclaim() == []
    # Its lease expired: the delivery takes it.
    RecomputeJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - LONG_AGO)
    indicator_services.recompute_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)


@pytest.mark.django_db
def test_an_import_whose_worker_died_says_so_and_is_checked_again(
    client, settings, tmp_path, eager_tasks
):
    settings.IMPORT_ROOT = tmp_path / "imports"
    world = build_world()
    client.force_login(world["alice"])
    from iomdash.celery import app

    app.conf.task_always_eager = False  # leave the check queued
    with TestCase.captureOnCommitCallbacks(execute=False):
        response = client.post(reverse("beneficiaries:import_upload"), {"file": csv_file([GOOD])})
    app.conf.task_always_eager = True
    batch_id = re.search(r"([0-9a-f-]{36})", response["Location"]).group(1)
    OutboxTask.objects.all().delete()
    # A worker took the dry run, then was killed: the row says "checking 40%".
    ImportBatch.objects.filter(pk=batch_id).update(
        state="checking", progress=40, attempts=1, heartbeat_at=timezone.now() - LONG_AGO
    )
    page = client.get(reverse("beneficiaries:import_detail", args=[batch_id])).content.decode()
    assert "Interrupted, restarting" in page and 'value="40"' not in page

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert imports.import_reclaim() == [batch_id]
    batch = imports.status_read(batch_id)
    assert (batch["state"], batch["attempts"], batch["interrupted"]) == ("checked", 2, False)
    assert imports.import_reclaim() == []
    assert outbox.outbox_dispatch() == 0


@pytest.mark.django_db
def test_an_import_step_held_by_a_live_worker_is_not_taken_twice(settings, tmp_path):
    settings.IMPORT_ROOT = tmp_path / "imports"
    world = build_world()
    batch = imports.import_create(user=world["alice"], upload=csv_file([GOOD]))
    ImportBatch.objects.filter(pk=batch["id"]).update(
        state="checking", progress=40, attempts=1, heartbeat_at=timezone.now()
    )
    imports.import_check(batch_id=batch["id"])
    again = imports.status_read(batch["id"])
    assert (again["state"], again["progress"], again["attempts"]) == ("checking", 40, 1)
    assert imports.import_reclaim() == []


def test_the_heartbeat_stamps_the_row_while_the_job_runs(
    django_db_serialized_rollback, transactional_db, settings
):
    settings.JOB_LEASE_SECONDS = 1  # a beat every 0.25 s
    job = _job(status="running", heartbeat_at=timezone.now() - LONG_AGO)
    with Heartbeat(RecomputeJob, job.pk):
        time.sleep(1.0)
        job.refresh_from_db()
        assert timezone.now() - job.heartbeat_at < dt.timedelta(seconds=1)
        assert not job.interrupted
    stamped = job.heartbeat_at
    time.sleep(0.6)
    job.refresh_from_db()
    assert job.heartbeat_at == stamped  # stopped with the job


def test_the_broker_hands_a_lost_task_out_again_only_after_the_longest_time_limit():
    """The Redis visibility timeout: longer than every task's hard limit (a
    running task is never handed out twice), not the one-hour default."""
    from iomdash.celery import app

    app.loader.import_default_modules()
    limits = [task.time_limit or 0 for name, task in app.tasks.items() if "." in name]
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert max(limits) == 30 * 60
    assert max(limits) < visibility < 60 * 60
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
