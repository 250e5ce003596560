"""Celery tasks of the snapshots: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task
from django.db.utils import InterfaceError, OperationalError

from snapshots import services


@shared_task(
    name="snapshots.pdf_generate",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=60,
    max_retries=5,
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
    ignore_result=True,
)
def snapshot_pdf(snapshot_id: int) -> None:
    services.snapshot_pdf_generate(snapshot_id=snapshot_id)
