"""Celery tasks of the bottom layer: the outbox's dispatcher, run by beat."""

from __future__ import annotations

from celery import shared_task

from programmes import outbox


@shared_task(name="programmes.outbox_dispatch", ignore_result=True, time_limit=60)
def outbox_dispatch_task() -> None:
    """Send the background work saved while the broker was away, and prune
    rows sent long ago."""
    while outbox.outbox_dispatch() == outbox.BATCH:
        pass
    outbox.outbox_prune()
