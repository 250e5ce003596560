"""The stack's health check: is the database, the broker and a worker there."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from iomdash.celery import app as celery_app

HEALTH_TIMEOUT_S = 2.0


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200]


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is reported, not raised
        return _short(exc)
    return "ok"


def check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=HEALTH_TIMEOUT_S)
    except Exception as exc:
        return _short(exc)
    return "ok"


def check_worker() -> str:
    try:
        # limit=1: answer as soon as one worker replies, not after the timeout.
        replies = celery_app.control.ping(timeout=HEALTH_TIMEOUT_S, limit=1)
    except Exception as exc:
        return _short(exc)
    return "ok" if replies else "no worker answered"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"database", "broker", "worker"}``, each "ok" or a short error;
    HTTP 200 only when all three are ok, 503 otherwise."""
    status = {"database": check_database(), "broker": check_broker()}
    status["worker"] = check_worker() if status["broker"] == "ok" else "broker unavailable"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)
