"""/healthz: 200 only when the database, the broker and a worker all answer."""

import pytest
from django.db import OperationalError

from iomdash.celery import app as celery_app


@pytest.mark.worker
def test_all_ok_with_a_running_worker(client, celery_worker_process):
    response = client.get("/healthz")
    assert response.json() == {"database": "ok", "broker": "ok", "worker": "ok"}
    assert response.status_code == 200


def test_no_worker_gives_503_and_says_so(client, db):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] != "ok"


@pytest.mark.worker
def test_stopped_worker_gives_503(client, celery_worker_process):
    assert client.get("/healthz").status_code == 200
    celery_worker_process.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] != "ok"


def test_broker_down_gives_503(client, db, monkeypatch):
    # A port nothing listens on: the broker check must fail fast, not hang.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["broker"] != "ok"
    assert body["database"] == "ok"


class _DownDatabase:
    def cursor(self):
        raise OperationalError("connection refused")


def test_database_down_gives_503(client, db, monkeypatch):
    monkeypatch.setattr("iomdash.health.connection", _DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "connection refused" in response.json()["database"]


def test_healthz_needs_no_login_and_is_not_cached(client, db):
    response = client.get("/healthz")
    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
