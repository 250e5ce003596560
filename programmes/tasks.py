"""Celery tasks of the bottom layer: the outbox's dispatcher, run by beat."""

from __future__ import annotations

from celery import shared_task

from programmes import notifications, outbox


@shared_task(
    name="programmes.outbox_dispatch", ignore_result=True, time_limit=60, soft_time_limit=50
)
def outbox_dispatch_task() -> None:
    """Send the background work saved while the broker was away, and prune
    rows sent long ago."""
    while outbox.outbox_dispatch() == outbox.BATCH:
        pass
    outbox.outbox_prune()


@shared_task(
    name="programmes.notification_email",
    ignore_result=True,
    time_limit=120,
    soft_time_limit=100,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def notification_email_task(notification_id: int) -> None:
    """Email one notification (queued through the outbox by ``notify``)."""
    notifications.notification_email_send(notification_id=notification_id)
