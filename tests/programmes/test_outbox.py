"""The transactional outbox: background work saved with the change that asks
for it, sent when the broker can take it, never a 500 for a broker that is
down, and sent once when it is back."""

from __future__ import annotations

import contextlib
import time

import pytest
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from indicators.engine import recompute_full
from indicators.models import RecomputeJob
from iomdash.celery import app as celery_app
from programmes import outbox
from programmes.models import OutboxTask
from tests.beneficiaries.test_services import build_world
from tests.beneficiaries.test_views import visit_of
from tests.indicators.conftest import define, value

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:9/0"  # nothing listens there


@contextlib.contextmanager
def broker_down():
    """Point this process's Celery app at a port nothing listens on (its
    connection pools too), as when Redis is stopped."""
    with broker_at(DEAD_BROKER):
        yield


@contextlib.contextmanager
def broker_at(url: str):
    """This process's Celery app (its connection pools too) on the broker at ``url``."""
    saved = celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool
    celery_app.conf.broker_url = url
    celery_app._pool = celery_app.amqp._producer_pool = None
    outbox._broker_down_until = 0.0
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool = saved
        outbox._broker_down_until = 0.0


def pending() -> list[OutboxTask]:
    return list(OutboxTask.objects.filter(state="pending").order_by("pk"))


def test_an_approval_while_the_broker_is_down_is_saved_and_recomputed_when_it_returns(
    client, eager_tasks
):
    world = build_world()
    define("people-x", source="assistance", measure="people")
    visit = visit_of(world, status="submitted")
    recompute_full()
    before = value("people-x")
    OutboxTask.objects.all().delete()

    celery_app.conf.task_always_eager = False  # a real publish, to a dead broker
    client.force_login(world["maria"])
    with broker_down():
        started = time.monotonic()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(reverse("beneficiaries:visit_approve", args=[visit.pk]))
        elapsed = time.monotonic() - started
    assert response.status_code == 302  # saved, not a 500
    assert elapsed < 5  # the request does not wait on the dead broker
    visit.refresh_from_db()
    assert visit.status == "approved"
    waiting = pending()
    # One row per source the visit counts in (its assistance, the visit itself).
    assert {row.kind for row in waiting} == {"indicators.incremental_recompute"}
    assert {row.payload["scope"]["source"] for row in waiting} == {"assistance", "visits"}
    assert "connect" in waiting[0].last_error.lower() and waiting[0].attempts == 1
    assert value("people-x") == before  # nothing recomputed yet

    # The broker is back: the next round sends the work, once, and the figure
    # is right without a full run.
    celery_app.conf.task_always_eager = True
    assert outbox.outbox_dispatch() == len(waiting)
    assert pending() == []
    after = value("people-x")
    assert after == (before or 0) + 6
    assert outbox.outbox_dispatch() == 0
    assert not RecomputeJob.objects.exists()
    recompute_full()
    assert value("people-x") == after


def test_the_api_answers_too_while_the_broker_is_down(client):
    world = build_world()
    visit = visit_of(world, status="submitted")
    client.force_login(world["maria"])
    with broker_down(), TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/api/v1/visits/{visit.pk}/approve/")
    assert response.status_code == 200, response.content[:500]
    assert [row.kind for row in pending()][-1] == "indicators.incremental_recompute"


def test_after_a_failure_the_next_requests_do_not_try_the_broker_again_at_once(monkeypatch):
    tries = []

    def refuse(*args, **kwargs):
        tries.append(args)
        raise OSError("Connection refused")

    monkeypatch.setattr(outbox, "_connection", refuse)
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    for _ in range(3):
        with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
            outbox.outbox_enqueue(kind="iomdash.ping", payload={})
    assert len(tries) == 1 and len(pending()) == 3
    # Beat's round tries regardless, and sends all once the broker answers.
    monkeypatch.undo()
    monkeypatch.setattr(celery_app, "send_task", lambda *a, **k: tries.append(k))
    assert outbox.outbox_dispatch() == 3
    assert pending() == []


def test_work_of_a_rolled_back_change_is_never_sent():
    with contextlib.suppress(RuntimeError), transaction.atomic():
        outbox.outbox_enqueue(kind="iomdash.ping", payload={})
        raise RuntimeError("the change failed")
    assert not OutboxTask.objects.exists()


def test_one_pending_row_per_dedupe_key(monkeypatch):
    first = outbox.outbox_enqueue(kind="iomdash.ping", payload={}, dedupe_key="job:1")
    assert outbox.outbox_enqueue(kind="iomdash.ping", payload={}, dedupe_key="job:1") == first
    assert len(pending()) == 1
    monkeypatch.setattr(celery_app, "send_task", lambda *a, **k: None)
    assert outbox.outbox_dispatch() == 1
    # Once sent, the same key may ask again (a later request of the same work).
    assert outbox.outbox_enqueue(kind="iomdash.ping", payload={}, dedupe_key="job:1") != first


def test_recompute_all_while_the_broker_is_down_starts_when_it_returns(client, eager_tasks):
    from indicators import services as indicator_services

    celery_app.conf.task_always_eager = False
    with broker_down(), TestCase.captureOnCommitCallbacks(execute=True):
        job = indicator_services.recompute_request_full(user=None)
    assert [row.payload for row in pending()] == [{"job_id": job.pk}]
    celery_app.conf.task_always_eager = True
    assert outbox.outbox_dispatch() == 1
    job.refresh_from_db()
    assert job.status == "done"


def test_the_oldest_pending_row_has_an_age():
    assert outbox.outbox_oldest_pending_age() is None
    OutboxTask.objects.create(kind="iomdash.ping")
    assert outbox.outbox_oldest_pending_age() >= 0


@pytest.fixture
def private_redis(monkeypatch, tmp_path, settings):
    """An embedded Redis of this test's own (its data in the test's folder), as
    broker of this process and of the Celery worker the test starts: stopping
    it leaves the suite's Redis, which another pytest-xdist process is using,
    alone. The module ``embedded``, pointed at that folder, starts and stops it."""
    from iomdash import embedded

    monkeypatch.setattr(embedded, "DATA_DIR", tmp_path / "data")
    url = embedded.redis_url()
    # The database the worker's settings (iomdash.settings_test) derive from REDIS_URL.
    broker = f"{url}?virtual_host={settings.TEST_BROKER_DB}"
    try:
        with broker_at(broker):
            yield url
    finally:
        embedded.redis_stop()


@pytest.fixture
def private_redis_worker(private_redis, django_db_serialized_rollback, transactional_db):
    """A real Celery worker on ``private_redis`` reading the test database."""
    from django.db import connection

    from iomdash.worker import WorkerProcess
    from tests.conftest import database_url_for

    worker = WorkerProcess(
        name="outbox",
        env={
            "DJANGO_SETTINGS_MODULE": "iomdash.settings_test",
            "DATABASE_URL": database_url_for(connection.settings_dict),
            "REDIS_URL": private_redis,
        },
    )
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


@pytest.mark.worker
def test_redis_stopped_then_started_the_approval_is_recomputed_once_by_the_worker(
    client, private_redis_worker
):
    """Against the real stack: Redis really stopped while a visit is approved,
    then started again; beat's round sends the work and the worker runs it.
    The Redis is the test's own (``private_redis``)."""
    import redis
    from django.conf import settings

    from iomdash import embedded

    world = build_world()
    define("people-x", source="assistance", measure="people")
    visit = visit_of(world, status="submitted")
    recompute_full()
    before = value("people-x") or 0
    OutboxTask.objects.all().delete()
    client.force_login(world["maria"])

    embedded.redis_stop()
    try:
        assert not embedded._redis_alive()
        # The suite's Redis, which the other test process uses, still answers.
        assert redis.Redis.from_url(settings.CACHES["dashboards"]["LOCATION"]).ping()
        response = client.post(reverse("beneficiaries:visit_approve", args=[visit.pk]))
        assert response.status_code == 302
        waiting = pending()
        # The first after-commit send failed; the next one did not even try.
        assert len(waiting) == 2 and "redis.sock" in waiting[0].last_error
        assert waiting[1].attempts == 0
        assert outbox.outbox_dispatch() == 0  # beat's round while Redis is down
    finally:
        embedded.redis_url()  # started again, with its data
        outbox._broker_down_until = 0.0
        # This process's pooled connections died with the server.
        celery_app._pool = celery_app.amqp._producer_pool = None
    private_redis_worker.wait_ready()

    assert outbox.outbox_dispatch() == len(waiting)
    deadline = time.monotonic() + 30
    while value("people-x") != before + 6 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert value("people-x") == before + 6
    assert pending() == [] and outbox.outbox_dispatch() == 0
    assert not RecomputeJob.objects.exists()


def test_an_administrator_sees_what_waits_for_the_broker_and_why(admin_client):
    OutboxTask.objects.create(
        kind="indicators.full_recompute", last_error="OperationalError: Connection refused"
    )
    page = admin_client.get(reverse("admin:programmes_outboxtask_changelist")).content.decode()
    assert "indicators.full_recompute" in page and "Connection refused" in page
    assert "Waiting for the broker" in page
