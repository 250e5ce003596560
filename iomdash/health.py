"""The stack's health check: is the database, the broker and a worker there,
and is background work leaving the outbox."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import Count, Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
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


def check_outbox() -> tuple[str, int, float | None]:
    """(status, pending rows, age in seconds of the oldest pending row):
    "ok" unless a row has waited longer than ``OUTBOX_STALE_AFTER_S``, i.e.
    background work is saved but nothing sends or takes it."""
    # By name: the project package imports no app (import-linter contract).
    outbox_task = apps.get_model("programmes", "OutboxTask")
    try:
        found = outbox_task.objects.filter(state="pending").aggregate(
            pending=Count("pk"), oldest=Min("created_at")
        )
    except Exception as exc:
        return _short(exc), 0, None
    if found["oldest"] is None:
        return "ok", 0, None
    age = round(max(0.0, (timezone.now() - found["oldest"]).total_seconds()), 1)
    limit = getattr(settings, "OUTBOX_STALE_AFTER_S", 120)
    if age <= limit:
        return "ok", found["pending"], age
    return (
        f"{found['pending']} background task(s) waiting, the oldest for {age:.0f}s",
        found["pending"],
        age,
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"database", "broker", "worker", "outbox"}``, each "ok" or a short
    error, ``down`` (the parts that are not ok), and the outbox's
    ``outbox_pending`` rows and ``outbox_oldest_pending_s`` (None when none
    waits). HTTP 200 only when every part is ok, 503 otherwise."""
    status = {"database": check_database(), "broker": check_broker()}
    status["worker"] = check_worker() if status["broker"] == "ok" else "broker unavailable"
    if status["database"] == "ok":
        status["outbox"], pending, oldest = check_outbox()
    else:
        status["outbox"], pending, oldest = "database unavailable", None, None
    down = [part for part, value in status.items() if value != "ok"]
    body = {**status, "down": down, "outbox_pending": pending, "outbox_oldest_pending_s": oldest}
    return JsonResponse(body, status=503 if down else 200)
