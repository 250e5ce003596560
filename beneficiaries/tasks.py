"""Celery tasks of beneficiary-list imports: thin wrappers around
``beneficiaries.imports``, taking the import's id as a string; and the
hourly clean-up of uploaded files nobody confirmed."""

from __future__ import annotations

from celery import shared_task
from django.db.utils import InterfaceError, OperationalError

from beneficiaries import imports
from beneficiaries.services import review_digest

RETRY_ON = (OperationalError, InterfaceError)


@shared_task(
    name="beneficiaries.import_check",
    acks_late=True,
    autoretry_for=RETRY_ON,
    retry_backoff=5,
    max_retries=3,
    time_limit=15 * 60,
    soft_time_limit=14 * 60,
    ignore_result=True,
)
def import_check_task(batch_id: str) -> None:
    imports.import_check(batch_id=batch_id)


@shared_task(
    name="beneficiaries.import_write",
    acks_late=True,
    autoretry_for=RETRY_ON,
    retry_backoff=5,
    max_retries=3,
    time_limit=30 * 60,
    soft_time_limit=28 * 60,
    ignore_result=True,
)
def import_write_task(batch_id: str) -> None:
    imports.import_write(batch_id=batch_id)


@shared_task(
    name="beneficiaries.import_cleanup",
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
    ignore_result=True,
)
def import_cleanup_task() -> None:
    """Delete the uploaded files of imports abandoned for more than a day, and
    send again the steps still waiting for a worker (queued while the broker
    was down)."""
    imports.import_cleanup()
    imports.import_redispatch()


@shared_task(
    name="beneficiaries.import_reclaim", ignore_result=True, time_limit=60, soft_time_limit=50
)
def import_reclaim_task() -> None:
    """Queue again the import steps whose worker died (run by beat)."""
    imports.import_reclaim()


@shared_task(
    name="beneficiaries.review_digest",
    autoretry_for=RETRY_ON,
    retry_backoff=60,
    max_retries=3,
    time_limit=10 * 60,
    soft_time_limit=9 * 60,
    ignore_result=True,
)
def review_digest_task() -> None:
    """Tell the managers how many visits wait for their review (run by beat
    each morning; once per day whatever the number of runs)."""
    review_digest.review_digest_send()
