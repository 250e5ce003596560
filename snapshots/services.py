"""Writes of snapshots: create a draft, publish it (freezing its figures), ask
for its PDF and generate it (in a Celery task, ``tasks.snapshot_pdf``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programmes.models import NotificationKind, Programme, UserProfile
from programmes.notifications import notify
from programmes.outbox import outbox_enqueue
from snapshots.access import snapshots_for_user
from snapshots.authoring import snapshot_create  # noqa: F401 (re-exported: the pages call it here)
from snapshots.build import snapshot_document
from snapshots.build_languages import arabic_missing
from snapshots.cadence import Cadence
from snapshots.fingerprint import payload_sealed
from snapshots.models import Snapshot, SnapshotDownload, SnapshotSeries, portfolio_key_for
from snapshots.selectors import (
    published_before,
    snapshot_payload,
    snapshot_payload_build,
    snapshot_previous,
)

log = logging.getLogger(__name__)

_IN_PROGRESS = (Snapshot.PdfStatus.QUEUED, Snapshot.PdfStatus.RUNNING)
# A generation queued or running for longer than this was lost (a worker died
# and the task was not redelivered): a new request queues it again.
STALE_AFTER = dt.timedelta(minutes=30)


def _render(payload: dict, progress=None) -> bytes:
    # Imported here: the renderer pulls in WeasyPrint and Plotly, which the
    # web pages and the rest of this module do not need.
    from snapshots.pdf import render_snapshot_pdf

    if progress is None:
        return render_snapshot_pdf(payload)
    return render_snapshot_pdf(payload, progress=progress)


@transaction.atomic
def snapshot_publish(*, snapshot: Snapshot, user, today: dt.date | None = None) -> Snapshot:
    """Publish the draft ``snapshot``: freeze everything (texts, references,
    photos, layout choices and figures, compared with the previous published
    snapshot of the same series, which it then points to) into its payload,
    which nothing changes afterwards, and queue its PDF after commit (a draft
    preview PDF is discarded), and tell the donors who may read it. Raises ValidationError (``publish_guard``)
    if it is already published, if its figures' day is after ``today``, if
    its period has not ended and its figures are not as of ``today``, or if
    this period or a later one of the series is already published
    (snapshots are published in order, so that each is compared with the one
    before it), or if it prints Arabic and a text it shows has no Arabic yet
    (``build_languages.arabic_missing``)."""
    snapshot = Snapshot.objects.select_for_update().select_related("series").get(pk=snapshot.pk)
    publish_guard(snapshot, today=today or timezone.localdate())
    previous = snapshot_previous(snapshot)
    now = timezone.now()
    payload, errors = snapshot_document(
        snapshot,
        status=Snapshot.Status.PUBLISHED,
        published_at=timezone.localtime(now),
        previous=previous,
    )
    if errors:
        raise ValidationError(
            [
                _("%(section)s: %(message)s") % {"section": e["section"], "message": e["message"]}
                for e in errors
            ]
        )
    snapshot.payload, snapshot.fingerprint = payload_sealed(
        payload, verify_url=settings.SITE_URL + reverse("snapshots:verify")
    )
    old_pdf = snapshot.pdf.name
    snapshot.status = Snapshot.Status.PUBLISHED
    snapshot.previous = previous
    snapshot.published_by = user
    snapshot.published_at = now
    snapshot.pdf = ""
    snapshot.pdf_sha256 = ""
    snapshot.pdf_status = Snapshot.PdfStatus.QUEUED
    snapshot.pdf_progress = 0
    snapshot.pdf_error = ""
    snapshot.pdf_attempts = 0
    snapshot.pdf_requested_at = now
    snapshot.pdf_generated_at = None
    snapshot.save()
    _queue_pdf(snapshot.pk, delete=old_pdf)
    _tell_donors(snapshot)
    return snapshot


def _tell_donors(snapshot: Snapshot) -> None:
    """Tell the donor users who may now read ``snapshot`` (their organisation
    funds every programme of it, ``snapshots.access``) that it is published."""
    donors = (
        get_user_model()
        .objects.filter(is_active=True, profile__role=UserProfile.Role.DONOR)
        .select_related("profile")
    )
    readers = [user for user in donors if snapshots_for_user(user).filter(pk=snapshot.pk).exists()]
    notify(
        users=readers,
        kind=NotificationKind.SNAPSHOT_PUBLISHED,
        params={"title": snapshot.title, "period_end": snapshot.period_end.isoformat()},
        url=reverse("snapshots:detail", args=[snapshot.pk]),
    )


def publish_guard(snapshot: Snapshot, *, today: dt.date) -> None:
    """Raise ValidationError when ``snapshot`` may not be published ``today``
    (see ``snapshot_publish``); say nothing otherwise."""
    if snapshot.is_published:
        raise ValidationError(_("This snapshot is already published."))
    if snapshot.as_of > today:
        raise ValidationError(
            {
                "as_of": _(
                    "The figures’ date (%(as_of)s) is after today: a snapshot shows only "
                    "figures that exist."
                )
                % {"as_of": date_format(snapshot.as_of, "j F Y")}
            }
        )
    if snapshot.period_end > today and snapshot.as_of != today:
        raise ValidationError(
            {
                "as_of": _(
                    "%(period)s has not ended: it can only be published with figures as of "
                    "today, %(today)s."
                )
                % {"period": snapshot.period_label, "today": date_format(today, "j F Y")}
            }
        )
    if Snapshot.objects.filter(
        series_id=snapshot.series_id,
        status=Snapshot.Status.PUBLISHED,
        period_end__gte=snapshot.period_end,
    ).exists():
        raise ValidationError(
            _(
                "A snapshot of this series for %(period)s or a later period is already "
                "published: snapshots are published period after period."
            )
            % {"period": snapshot.period_label}
        )
    missing = arabic_missing(snapshot)
    if missing:
        raise ValidationError(
            [
                _(
                    "This snapshot prints Arabic: write the Arabic of every text it shows "
                    "before publishing it. Missing:"
                ),
                *missing,
            ]
        )


def _queue_pdf(snapshot_id: int, *, delete: str = "") -> None:
    """Ask for the PDF through the outbox: a row of this transaction, sent
    after commit or by beat, so publishing never fails because the broker is
    down (the task reads the snapshot as it is when it runs)."""
    if delete:
        transaction.on_commit(lambda: _delete_file(delete))
    outbox_enqueue(
        kind="snapshots.pdf_generate",
        payload={"snapshot_id": snapshot_id},
        dedupe_key=f"snapshot-pdf:{snapshot_id}",
    )


def _delete_file(name: str) -> None:
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(name)
    except OSError:  # already gone: nothing to clean up
        log.warning("snapshot PDF %s could not be deleted", name)


@transaction.atomic
def snapshot_pdf_request(*, snapshot: Snapshot, user) -> Snapshot:
    """Ask for ``snapshot``'s PDF: for a draft, a new preview of its live
    figures marked DRAFT (replacing the previous preview); for a published
    snapshot, its PDF from the frozen payload only if it has none yet (it is
    generated once, then served from storage: after a failure, this retries).
    Nothing is queued while a generation is queued or running. Queued after
    commit."""
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    now = timezone.now()
    stale = snapshot.pdf_requested_at is None or now - snapshot.pdf_requested_at > STALE_AFTER
    if snapshot.pdf_status in _IN_PROGRESS and not stale:
        return snapshot
    if snapshot.is_published and snapshot.pdf_ready:
        return snapshot
    snapshot.pdf_status = Snapshot.PdfStatus.QUEUED
    snapshot.pdf_progress = 0
    snapshot.pdf_error = ""
    snapshot.pdf_requested_at = now
    snapshot.save(update_fields=["pdf_status", "pdf_progress", "pdf_error", "pdf_requested_at"])
    _queue_pdf(snapshot.pk)
    return snapshot


def _progress(snapshot_id: int, status: str, percent: int, **fields) -> None:
    # Only while the snapshot is as it was rendered for: a publish meanwhile
    # has queued its own PDF, whose progress this must not overwrite.
    Snapshot.objects.filter(pk=snapshot_id, status=status).update(pdf_progress=percent, **fields)


def snapshot_pdf_generate(*, snapshot_id: int) -> bool:
    """Generate the PDF of snapshot ``snapshot_id`` and store it in the
    default storage: a published snapshot's from its frozen payload (once: a
    rerun after it is done does nothing), a draft's from its live figures,
    marked DRAFT. Progress and a failure's error are written to the snapshot
    as it goes. Not one transaction: the rendering takes seconds and the
    progress must show meanwhile; each write is its own short transaction,
    and the file is kept only if the snapshot is still in the state it was
    rendered for (a draft preview finishing after the snapshot was published
    is dropped). Returns whether a PDF was stored."""
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().filter(pk=snapshot_id).first()
        if snapshot is None:
            return False
        if snapshot.is_published and snapshot.pdf_ready:
            return False
        status = snapshot.status
        snapshot.pdf_status = Snapshot.PdfStatus.RUNNING
        snapshot.pdf_progress = 5
        snapshot.pdf_attempts += 1
        snapshot.save(update_fields=["pdf_status", "pdf_progress", "pdf_attempts"])
    try:
        payload = snapshot_payload(snapshot)
        _progress(snapshot_id, status, 20)

        def step(done: int, total: int, _step: str) -> None:
            # The charts are drawn in an event loop, where Django refuses a
            # query: their progress shows at the next step outside it.
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                _progress(snapshot_id, status, 20 + 70 * done // max(total, 1))

        content = _render(payload, step)
        _progress(snapshot_id, status, 90)
    except Exception as error:
        log.exception("snapshot %s: PDF generation failed", snapshot_id)
        _progress(
            snapshot_id,
            status,
            0,
            pdf_status=Snapshot.PdfStatus.FAILED,
            pdf_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return False
    return _store(snapshot_id, status=status, content=content)


@transaction.atomic
def _store(snapshot_id: int, *, status: str, content: bytes) -> bool:
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot_id)
    if snapshot.status != status or (snapshot.is_published and snapshot.pdf_ready):
        return False
    old = snapshot.pdf.name
    name = f"{snapshot.portfolio_key}-{snapshot.period_end:%Y-%m-%d}-{status}.pdf"
    snapshot.pdf.save(name, ContentFile(content), save=False)
    # What the verification page compares an uploaded PDF with.
    snapshot.pdf_sha256 = hashlib.sha256(content).hexdigest()
    snapshot.pdf_status = Snapshot.PdfStatus.DONE
    snapshot.pdf_progress = 100
    snapshot.pdf_error = ""
    snapshot.pdf_generated_at = timezone.now()
    snapshot.save(
        update_fields=[
            "pdf",
            "pdf_sha256",
            "pdf_status",
            "pdf_progress",
            "pdf_error",
            "pdf_generated_at",
        ]
    )
    if old and old != snapshot.pdf.name:
        transaction.on_commit(lambda: _delete_file(old))
    return True


@transaction.atomic
def snapshot_download_log(*, snapshot: Snapshot, user) -> SnapshotDownload:
    """Record that ``user`` downloaded ``snapshot``'s PDF (who, when, which,
    and whether it was a draft preview)."""
    return SnapshotDownload.objects.create(
        snapshot=snapshot, user=user, kind=SnapshotDownload.Kind.PDF, status=snapshot.status
    )


def snapshot_pdf_render(
    *,
    programmes: Iterable[Programme],
    period_end: dt.date,
    as_of: dt.date | None = None,
    fill: Callable[[dict], dict] | None = None,
) -> bytes:
    """The PDF of a full snapshot of ``programmes`` for the quarter ending
    ``period_end`` as it would be published now, without storing anything
    (for the benchmark and for trying a layout): build the payload, compared
    with the latest published snapshot of the portfolio before that quarter,
    and render it (after ``fill(payload)``, which the benchmark uses to fill
    every section)."""
    programmes = list(programmes)
    series = SnapshotSeries.objects.filter(
        portfolio_key=portfolio_key_for(programmes), cadence=Cadence.QUARTERLY
    ).first()
    previous = series and published_before(series_id=series.pk, period_end=period_end)
    payload = snapshot_payload_build(
        programmes=programmes,
        period_end=period_end,
        as_of=as_of or period_end,
        status=Snapshot.Status.PUBLISHED,
        published_at=timezone.localtime(),
        previous_payload=previous.payload if previous else None,
    )
    return _render(fill(payload) if fill else payload)
