"""Celery tasks of the indicator engine: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task
from django.db.utils import InterfaceError, OperationalError

from indicators import services
from indicators.engine import EngineBusy

RETRY_ON = (EngineBusy, OperationalError, InterfaceError)


@shared_task(
    name="indicators.full_recompute",
    acks_late=True,
    autoretry_for=RETRY_ON,
    retry_backoff=10,
    retry_backoff_max=120,
    max_retries=20,
    time_limit=30 * 60,
    soft_time_limit=28 * 60,
    ignore_result=True,
)
def full_recompute(job_id: int) -> None:
    services.recompute_job_run(job_id=job_id)


@shared_task(
    name="indicators.incremental_recompute",
    acks_late=True,
    autoretry_for=RETRY_ON,
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=30,
    time_limit=5 * 60,
    soft_time_limit=4 * 60,
    ignore_result=True,
)
def incremental_recompute(scope: dict) -> None:
    services.recompute_incremental_run(scope=scope)


@shared_task(name="indicators.nightly_full_recompute", ignore_result=True)
def nightly_full_recompute() -> None:
    services.recompute_request_full(user=None)


@shared_task(
    name="indicators.recompute_reclaim", ignore_result=True, time_limit=60, soft_time_limit=50
)
def recompute_reclaim() -> None:
    """Queue again the recomputations whose worker died (run by beat)."""
    services.recompute_reclaim()


@shared_task(
    name="indicators.data_stamp_compact", ignore_result=True, time_limit=60, soft_time_limit=50
)
def data_stamp_compact() -> None:
    """Keep the dashboards' data stamp one cheap read (run by beat)."""
    services.data_stamp_compact()
