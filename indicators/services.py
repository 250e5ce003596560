"""Writes of the indicator engine: asking for recomputations and running them.

A change to the records asks for an incremental recomputation of what it
touched (``recompute_after_change``), queued after commit; an administrator
or the nightly schedule asks for a full one (``recompute_request_full``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from beneficiaries.models import AssistanceRecord
from indicators import engine, sources
from indicators.engine import Scope
from indicators.models import DataStamp, HouseholdMultiplier, IndicatorDefinition, RecomputeJob
from programmes.leases import Heartbeat, lease_expired_before
from programmes.outbox import outbox_enqueue

log = logging.getLogger(__name__)


def records_scope(source: sources.Source, records: Iterable) -> Scope | None:
    """What these records of ``source`` (as they are now, or were) count in:
    their months, their (governorate, programme, donor) and, for a source
    that can tell (``matches``), the active definitions whose filters they
    pass (else every definition of the source). None when there are no records."""
    records = list(records)
    if not records:
        return None
    ids = None
    if source.matches is not None:
        definitions = list(IndicatorDefinition.objects.filter(is_active=True, source=source.code))
        cache: dict = {}
        ids = frozenset(d.pk for d in definitions for r in records if source.matches(d, r, cache))
    return Scope(
        source=source.code,
        months=frozenset(engine.month_start(source.day(r)) for r in records),
        triples=frozenset(source.place(r) for r in records),
        definition_ids=ids,
    )


def assistance_scope(records: Iterable[AssistanceRecord]) -> Scope | None:
    """What these assistance records count in (``records_scope``)."""
    return records_scope(sources.get(IndicatorDefinition.Source.ASSISTANCE), records)


def recompute_after_change(*, scopes: Iterable[Scope | None]) -> None:
    """Queue, after the current transaction commits, an incremental
    recomputation of what ``scopes`` touched (before and after a change: pass
    both). The request is an outbox row of the same transaction: nothing is
    queued if it rolls back, and it waits in the table while the broker is
    down (``programmes.outbox``)."""
    merged: dict[str, Scope] = {}
    for scope in scopes:
        if scope is None:
            continue
        merged[scope.source] = (
            merged[scope.source].merge(scope) if scope.source in merged else scope
        )
    for scope in merged.values():
        if scope.definition_ids is not None and not scope.definition_ids:
            continue
        outbox_enqueue(kind="indicators.incremental_recompute", payload={"scope": scope.to_json()})


@transaction.atomic
def recompute_request_full(*, user=None, definition_ids: list[int] | None = None) -> RecomputeJob:
    """Create a queued full recomputation job and start it after commit
    (through the outbox: it starts when the broker is back if it is down)."""
    job = RecomputeJob.objects.create(
        kind=RecomputeJob.Kind.FULL,
        requested_by=user if user is not None and user.is_authenticated else None,
        params={"definition_ids": definition_ids},
        step="queued",
    )
    outbox_enqueue(
        kind="indicators.full_recompute",
        payload={"job_id": job.pk},
        dedupe_key=f"recompute-job:{job.pk}",
    )
    return job


class _ProgressWriter:
    """Writes a job's progress through a connection of its own, so that other
    sessions see it while the recomputation's transaction is still open."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = connections.create_connection("default")

    def __call__(self, percent: int, step: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {RecomputeJob._meta.db_table} SET progress = %s, step = %s WHERE id = %s",
                [percent, step[:200], self.job_id],
            )

    def close(self) -> None:
        self.connection.close()


def _job_take(job_id: int) -> bool:
    """Mark the job running (counting the attempt, with a fresh lease) if it
    is queued, failed, or running under an expired lease; False when it is
    done or another worker holds it (a second delivery of the task)."""
    takeable = Q(status__in=[RecomputeJob.Status.QUEUED, RecomputeJob.Status.FAILED]) | Q(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=lease_expired_before()),
        status=RecomputeJob.Status.RUNNING,
    )
    return (
        RecomputeJob.objects.filter(takeable, pk=job_id).update(
            status=RecomputeJob.Status.RUNNING,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
            error="",
            progress=0,
            step="starting",
        )
        == 1
    )


def recompute_job_run(*, job_id: int) -> RecomputeJob:
    """Run a full recomputation job: takes it (see ``_job_take``; a job
    another worker holds, or done, is left alone), holds its lease while it
    runs, reports progress, and ends it done or failed with the error.
    Raises EngineBusy, leaving the job queued, when another run holds the
    engine's lock."""
    if not _job_take(job_id):
        log.info("recomputation %s: done or held by another worker, nothing to do", job_id)
        return RecomputeJob.objects.get(pk=job_id)
    job = RecomputeJob.objects.get(pk=job_id)
    ids = (job.params or {}).get("definition_ids")
    definitions = (
        None if ids is None else IndicatorDefinition.objects.filter(pk__in=ids, is_active=True)
    )
    writer = _ProgressWriter(job_id)
    try:
        with Heartbeat(RecomputeJob, job_id):
            written = engine.recompute_full(definitions=definitions, progress=writer)
    except engine.EngineBusy:
        RecomputeJob.objects.filter(pk=job_id).update(
            status=RecomputeJob.Status.QUEUED, step="waiting for the running recomputation"
        )
        raise
    except Exception as exc:
        RecomputeJob.objects.filter(pk=job_id).update(
            status=RecomputeJob.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            step="failed",
        )
        raise
    finally:
        writer.close()
    RecomputeJob.objects.filter(pk=job_id).update(
        status=RecomputeJob.Status.DONE,
        progress=100,
        step="done",
        values_written=written,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def recompute_reclaim() -> list[int]:
    """Queue again the full recomputations whose worker stopped holding
    them (lease expired: killed, or its machine lost); their page says
    "interrupted, restarting". Returns their ids."""
    ids = list(
        RecomputeJob.objects.select_for_update(skip_locked=True)
        .filter(status=RecomputeJob.Status.RUNNING, heartbeat_at__lt=lease_expired_before())
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    RecomputeJob.objects.filter(pk__in=ids).update(
        status=RecomputeJob.Status.QUEUED, step=RecomputeJob.STEP_INTERRUPTED
    )
    for job_id in ids:
        log.warning("recomputation %s: its worker stopped; queued again", job_id)
        outbox_enqueue(
            kind="indicators.full_recompute",
            payload={"job_id": job_id},
            dedupe_key=f"recompute-job:{job_id}",
        )
    return ids


def recompute_incremental_run(*, scope: dict) -> int:
    """Run an incremental recomputation for a scope given as JSON; returns the
    number of values written."""
    return engine.recompute_incremental(Scope.from_json(scope))


@transaction.atomic
def multiplier_set(
    *, value: int, effective_from: dt.date, note: str = "", user=None
) -> HouseholdMultiplier:
    """Create or change the household multiplier in force from a month, and
    recompute, after commit, every definition that uses the mission's multiplier."""
    version, _created = HouseholdMultiplier.objects.update_or_create(
        effective_from=effective_from.replace(day=1), defaults={"value": value, "note": note}
    )
    ids = list(
        IndicatorDefinition.objects.filter(
            is_active=True, apply_multiplier=True, multiplier__isnull=True
        ).values_list("pk", flat=True)
    )
    if ids:
        recompute_request_full(user=user, definition_ids=ids)
    return version


def scope_of(instance) -> Scope | None:
    """What one record counts in, as it is now: a record of a source that has
    a ``model`` (an assistance record, a visit, a feedback response, a
    contribution). None for anything else."""
    source = sources.for_record(instance)
    return records_scope(source, [instance]) if source is not None else None


# Two compactions never run at once: the second one does nothing.
_COMPACT_LOCK = 0x1D0DA5
# Below this many rows a compaction leaves the stamp alone.
COMPACT_ABOVE = 100


@transaction.atomic
def data_stamp_compact(*, above: int = COMPACT_ABOVE) -> int:
    """Replace the stamp rows of committed transactions by one row of their
    total weight, when there are more than ``above``, so that reading the
    stamp (``indicators.selectors.data_stamp``) stays one cheap query. The
    stamp changes once (the dashboards' caches start again) and never takes
    an earlier value. Returns the number of rows removed."""
    table = DataStamp._meta.db_table
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_COMPACT_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(f"SELECT count(*) FROM {table}")
        if cursor.fetchone()[0] <= above:
            return 0
        cursor.execute(
            f"WITH gone AS (DELETE FROM {table} WHERE txid <> txid_current() RETURNING weight) "
            "SELECT count(*), coalesce(sum(weight), 0) FROM gone"
        )
        removed, weight = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {table} (txid, weight) VALUES (txid_current(), %s) "
            f"ON CONFLICT (txid) DO UPDATE SET weight = {table}.weight + EXCLUDED.weight",
            [weight],
        )
    return removed
