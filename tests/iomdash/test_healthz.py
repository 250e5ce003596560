"""/healthz: 200 only when the database, the broker and a worker all answer
and no background work is stuck in the outbox; it names the parts down."""

import datetime as dt

import pytest
from django.db import OperationalError
from django.utils import timezone

from iomdash.celery import app as celery_app
from programmes.models import OutboxTask


@pytest.fixture
def no_worker(monkeypatch):
    """Where no worker runs, the ping waits its whole timeout for nobody:
    a short one gives the same answer (2 s a request before, 14 s a run)."""
    monkeypatch.setattr("iomdash.health.HEALTH_TIMEOUT_S", 0.25)


@pytest.mark.worker
def test_all_ok_with_a_running_worker_and_503_once_it_stopped(client, celery_worker_process):
    # One test for both: starting a worker is most of the cost of either.
    response = client.get("/healthz")
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "outbox": "ok",
        "down": [],
        "outbox_pending": 0,
        "outbox_oldest_pending_s": None,
    }
    assert response.status_code == 200
    celery_worker_process.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] != "ok"


def test_no_worker_gives_503_and_says_so(client, db, no_worker):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] != "ok"
    assert body["down"] == ["worker"]


def test_broker_down_gives_503(client, db, no_worker, monkeypatch):
    # A port nothing listens on: the broker check must fail fast, not hang.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["broker"] != "ok"
    assert body["database"] == "ok"
    assert body["down"] == ["broker", "worker"]


class _DownDatabase:
    def cursor(self):
        raise OperationalError("connection refused")


def test_database_down_gives_503(client, db, no_worker, monkeypatch):
    monkeypatch.setattr("iomdash.health.connection", _DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "connection refused" in response.json()["database"]


def test_healthz_needs_no_login_and_is_not_cached(client, db, no_worker):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_work_stuck_in_the_outbox_gives_503_with_its_age(client, db, no_worker, settings):
    settings.OUTBOX_STALE_AFTER_S = 120
    OutboxTask.objects.create(kind="indicators.full_recompute", payload={"job_id": 1})
    body = client.get("/healthz").json()
    assert body["outbox"] == "ok" and body["outbox_pending"] == 1
    assert 0 <= body["outbox_oldest_pending_s"] < 60

    OutboxTask.objects.update(created_at=timezone.now() - dt.timedelta(minutes=10))
    OutboxTask.objects.create(kind="indicators.full_recompute", payload={"job_id": 2})
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert "outbox" in body["down"]
    assert body["outbox_pending"] == 2 and 595 <= body["outbox_oldest_pending_s"] <= 660
    assert "2 background task(s) waiting, the oldest for 6" in body["outbox"]
    # Sent rows do not count.
    OutboxTask.objects.update(state="sent", sent_at=timezone.now())
    assert client.get("/healthz").json()["outbox_pending"] == 0
