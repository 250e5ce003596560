"""The transactional outbox: background work is a row written in the same
transaction as the change that asks for it, then sent to Celery.

- ``outbox_enqueue(kind=..., payload=..., dedupe_key=None)``: inside the
  caller's transaction, write a pending row for the Celery task named
  ``kind`` with keyword arguments ``payload`` (JSON), and try to send it once
  the transaction commits. A rollback drops the row with the change.
- ``outbox_dispatch()``: send pending rows, oldest first. Runs after each
  commit (for that commit's rows) and from beat every few seconds
  (``programmes.outbox_dispatch``), so work saved while the broker was down
  is sent when it returns. A row is marked sent in the transaction that
  locks it, so two dispatchers never send the same row.

A broker that cannot be reached is logged and never raised to the request:
the change is saved and its work waits in the table. After a failure this
process stops trying after commit for ``BACKOFF_S`` seconds (a request does
not wait on a dead broker each time); beat keeps trying.

With ``task_always_eager`` (unit tests) the rows are marked sent and their
tasks run in this process after the dispatcher's transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from typing import Any

from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from iomdash.celery import app as celery_app
from programmes.models import OutboxTask

log = logging.getLogger(__name__)

BACKOFF_S = 5.0
CONNECT_TIMEOUT_S = 2.0
BATCH = 200
# Sent rows are kept this long, for an operator to see what went out.
KEEP_SENT = dt.timedelta(days=7)

_broker_down_until = 0.0


def outbox_enqueue(*, kind: str, payload: dict[str, Any], dedupe_key: str | None = None) -> int:
    """Write a pending row asking for the Celery task ``kind`` with keyword
    arguments ``payload``, in the current transaction, and send it after
    commit. With ``dedupe_key``, a pending row with the same key already
    there stands for this one (nothing is added). Returns the row's id."""
    if not dedupe_key:
        row_id = OutboxTask.objects.create(kind=kind, payload=payload).pk
    else:
        OutboxTask.objects.bulk_create(
            [OutboxTask(kind=kind, payload=payload, dedupe_key=dedupe_key)], ignore_conflicts=True
        )
        row_id = OutboxTask.objects.get(dedupe_key=dedupe_key, state=OutboxTask.State.PENDING).pk
    transaction.on_commit(lambda: _dispatch_after_commit(row_id))
    return row_id


def _dispatch_after_commit(row_id: int) -> None:
    if celery_app.conf.task_always_eager:
        outbox_dispatch(ids=[row_id])  # unit tests: a task's error reaches the test
        return
    if time.monotonic() < _broker_down_until:
        return  # beat sends it once the broker is back
    try:
        outbox_dispatch(ids=[row_id])
    except Exception:  # the change is committed: never fail the request for its work
        log.exception("outbox: row %s not sent after commit; beat will send it", row_id)


def _connection():
    """A connection of its own that tries once, quickly: a row that cannot
    be sent waits for the next round instead of holding a request."""
    options = {
        **(celery_app.conf.broker_transport_options or {}),
        "max_retries": 0,
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
    }
    return celery_app.connection_for_write(
        connect_timeout=CONNECT_TIMEOUT_S, transport_options=options
    )


def _run_eagerly(rows: list[OutboxTask]) -> None:
    celery_app.loader.import_default_modules()
    for row in rows:
        celery_app.tasks[row.kind].apply_async(kwargs=row.payload)


def outbox_dispatch(*, ids: list[int] | None = None, limit: int = BATCH) -> int:
    """Send pending rows (only ``ids`` if given; at most ``limit``), oldest
    first, skipping rows another dispatcher holds. Stops at the first
    broker failure, leaving that row and the rest pending with the error and
    an attempt counted. Returns how many were sent. Raises only for
    database errors."""
    global _broker_down_until
    eager = bool(celery_app.conf.task_always_eager)
    sent: list[OutboxTask] = []
    with transaction.atomic(), contextlib.ExitStack() as stack:
        rows = OutboxTask.objects.filter(state=OutboxTask.State.PENDING)
        if ids is not None:
            rows = rows.filter(pk__in=ids)
        rows = list(rows.select_for_update(skip_locked=True).order_by("pk")[:limit])
        connection = None
        for row in rows:
            if not eager:
                try:
                    if connection is None:
                        connection = stack.enter_context(_connection())
                    celery_app.send_task(
                        row.kind, kwargs=row.payload, retry=False, connection=connection
                    )
                except Exception as exc:
                    _broker_down_until = time.monotonic() + BACKOFF_S
                    error = f"{type(exc).__name__}: {exc}"[:500]
                    OutboxTask.objects.filter(pk=row.pk).update(
                        attempts=F("attempts") + 1, last_error=error
                    )
                    log.warning("outbox: broker unavailable (%s); %s row(s) wait", error,
                                len(rows) - len(sent))  # fmt: skip
                    break
            sent.append(row)
        if sent:
            OutboxTask.objects.filter(pk__in=[row.pk for row in sent]).update(
                state=OutboxTask.State.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error="",
            )
    if sent and not eager:
        _broker_down_until = 0.0
    if eager:
        _run_eagerly(sent)
    return len(sent)


def outbox_prune(*, now: dt.datetime | None = None) -> int:
    """Delete rows sent more than ``KEEP_SENT`` ago; returns how many."""
    now = now or timezone.now()
    deleted, _ = OutboxTask.objects.filter(
        state=OutboxTask.State.SENT, sent_at__lt=now - KEEP_SENT
    ).delete()
    return deleted


def outbox_oldest_pending_age(*, now: dt.datetime | None = None) -> float | None:
    """Seconds since the oldest pending row was written, or None when
    nothing waits: a number that grows means the queue is stuck."""
    oldest = OutboxTask.objects.filter(state=OutboxTask.State.PENDING).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    if oldest is None:
        return None
    return max(0.0, ((now or timezone.now()) - oldest).total_seconds())
