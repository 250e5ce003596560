"""Where an import's state lives: one ``ImportBatch`` row per upload, its
uploaded file in ``IMPORT_ROOT/<id>/`` until it is of no more use. Who may
see an import, how one is created, its state transitions (conditional
UPDATEs, never read-then-write) and the removal of uploaded files (they hold
personal data), driven by the rows.

The row is created (and committed) before the file is written, so a request
that dies mid-upload leaves a row the clean-up finds; a folder with no row
at all (its transaction rolled back) is swept too.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beneficiaries.imports.parse import ImportFileError, check_upload
from beneficiaries.models import ImportBatch
from programmes.leases import lease_expired_before
from programmes.models import UserProfile
from programmes.outbox import outbox_enqueue

log = logging.getLogger(__name__)
Role = UserProfile.Role
State = ImportBatch.State

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
RUNNING_STATES = ("receiving", "queued", "checking", "confirmed", "importing")
# An upload nobody confirmed (or whose run stopped) is deleted after this long.
KEEP_UNCONFIRMED = dt.timedelta(days=1)
# A folder with no row (the request's transaction rolled back) after this long.
KEEP_ORPHAN = dt.timedelta(hours=1)
# A step still waiting for a worker after this long is sent again.
WAIT_BEFORE_RESEND = dt.timedelta(minutes=10)

_FIELDS = [field.name for field in ImportBatch._meta.concrete_fields]


def _folder(batch_id) -> Path:
    return Path(settings.IMPORT_ROOT) / str(uuid.UUID(str(batch_id)))


def _as_dict(batch: ImportBatch) -> dict:
    data = {name: getattr(batch, name) for name in _FIELDS if name not in ("owner", "reviewed_by")}
    data["id"] = str(batch.pk)
    data["owner"] = batch.owner_id
    data["reviewed_by"] = batch.reviewed_by_id
    # A step whose worker stopped (lease expired, or queued again after that).
    data["interrupted"] = batch.state in (State.CHECKING, State.IMPORTING) and (
        batch.heartbeat_at is None or batch.heartbeat_at < lease_expired_before()
    )
    for name in (
        "created_at",
        "updated_at",
        "finished_at",
        "reviewed_at",
        "upload_deleted_at",
        "heartbeat_at",
    ):
        data[name] = data[name].isoformat() if data[name] else None
    return data


def status_read(batch_id) -> dict | None:
    """The import's state as a dict (the row's fields, times as ISO text),
    or None when there is no such import."""
    try:
        batch = ImportBatch.objects.get(pk=uuid.UUID(str(batch_id)))
    except (ImportBatch.DoesNotExist, ValueError):
        return None
    return _as_dict(batch)


def _status_update(batch_id, **changes) -> dict | None:
    """Set fields of the row unconditionally (progress, results of a step
    this caller owns); returns the state as it is then."""
    ImportBatch.objects.filter(pk=batch_id).update(**changes, updated_at=timezone.now())
    return status_read(batch_id)


class ProgressAside:
    """Progress of a step that runs inside one long transaction (the write),
    written through a connection of its own so that the page sees it before
    the commit: ``update(progress=..., rows_done=...)``, then ``close()``.
    It only touches an import still ``importing``, and holds no lock."""

    def __init__(self, batch_id):
        from django.db import connections

        self.batch_id = uuid.UUID(str(batch_id))
        self._connection = connections.create_connection("default")

    def update(self, *, progress: int, rows_done: int) -> None:
        table = self._connection.ops.quote_name(ImportBatch._meta.db_table)
        try:
            with self._connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress = %s, rows_done = %s, updated_at = %s "
                    "WHERE id = %s AND state = %s",
                    [progress, rows_done, timezone.now(), self.batch_id, State.IMPORTING],
                )
        except Exception:  # progress is a courtesy: never fail the write for it
            log.warning("import %s: progress not saved", self.batch_id, exc_info=True)

    def close(self) -> None:
        self._connection.close()


def batch_transition(batch_id, *, from_states, to: str, **changes) -> bool:
    """Move the import from one of ``from_states`` to ``to`` (with ``changes``)
    in one conditional UPDATE; False when it was in none of them (another
    request or worker moved it first), and nothing is changed then."""
    updated = ImportBatch.objects.filter(pk=batch_id, state__in=list(from_states)).update(
        state=to, updated_at=timezone.now(), **changes
    )
    return updated == 1


def batch_take(batch_id, *, from_states, step: str, **changes) -> bool:
    """Move the import into ``step`` from one of ``from_states``, with a
    fresh lease, in one conditional UPDATE. An import already in ``step`` is
    taken only if its lease expired or was released (its worker died): a
    second delivery of the task while a worker holds it changes nothing.
    False when it was not taken."""
    now = timezone.now()
    held = Q(state=step, heartbeat_at__gte=lease_expired_before(now))
    updated = (
        ImportBatch.objects.filter(pk=batch_id, state__in=list(from_states))
        .exclude(held)
        .update(state=step, heartbeat_at=now, updated_at=now, **changes)
    )
    return updated == 1


def import_reclaim() -> list[str]:
    """Queue again the steps (dry run, write) whose worker stopped holding
    them (lease expired: killed, or its machine lost). The lease is
    released, so the page says "interrupted, restarting" and the step
    delivered again takes the import. Returns the imports' ids."""
    reclaimed = []
    stale = ImportBatch.objects.filter(
        state__in=[State.CHECKING, State.IMPORTING], heartbeat_at__lt=lease_expired_before()
    ).values_list("pk", "state", "heartbeat_at")
    for batch_id, state, heartbeat_at in stale:
        with transaction.atomic():
            released = ImportBatch.objects.filter(
                pk=batch_id, state=state, heartbeat_at=heartbeat_at
            ).update(heartbeat_at=None, updated_at=timezone.now())
            if released:
                log.warning("import %s: its worker stopped while %s; queued again", batch_id,
                            state)  # fmt: skip
                dispatch_on_commit("check" if state == State.CHECKING else "write", batch_id)
                reclaimed.append(str(batch_id))
    return reclaimed


def _refuse_early(name: str, upload) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or CSV.")
        )
    if suffix not in (".csv", ".xlsx"):
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if not upload.size:
        raise ImportFileError(_("The file is empty."))
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    # The archive's directory only (a few reads): a spreadsheet bomb is refused
    # here, before anything is stored or parsed.
    upload.seek(0)
    check_upload(upload, suffix[1:])
    upload.seek(0)
    return suffix


def import_create(*, user, upload) -> dict:
    """Store an uploaded file as a new import and return its state (queued);
    the dry run is queued for a worker once the row is committed. Raises
    ImportFileError, storing nothing, for a file that is empty, too large,
    not CSV/XLSX, or an XLSX archive above the limits."""
    name = os.path.basename(upload.name or "")
    suffix = _refuse_early(name, upload)
    now = timezone.now()
    # The row first, in its own transaction: whatever happens to the request
    # from here, the clean-up knows the file.
    batch = ImportBatch.objects.create(
        id=uuid.uuid4(),
        owner=user,
        filename=name[:255],
        format=suffix[1:],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_at=now,
        updated_at=now,
    )
    folder = _folder(batch.pk)
    folder.mkdir(parents=True)
    with (folder / f"upload{suffix}").open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    batch_transition(batch.pk, from_states=[State.RECEIVING], to=State.QUEUED)
    dispatch_on_commit("check", batch.pk)
    return status_read(batch.pk)


STEP_TASKS = {"check": "beneficiaries.import_check", "write": "beneficiaries.import_write"}


def dispatch_on_commit(step: str, batch_id) -> None:
    """Queue the ``step`` ("check" or "write") of the import for a worker:
    an outbox row of the current transaction, sent once it commits. A broker
    that cannot be reached is logged, not raised: the change is saved, the
    page says it waits, and the outbox sends it when the broker is back."""
    outbox_enqueue(
        kind=STEP_TASKS[step],
        payload={"batch_id": str(batch_id)},
        dedupe_key=f"import-{step}:{batch_id}",
    )


def import_redispatch(*, now: dt.datetime | None = None) -> int:
    """Queue again (through the outbox) the steps of imports waiting (queued
    or confirmed, or interrupted and released) for more than
    ``WAIT_BEFORE_RESEND``: a message the broker
    lost (a broker that was down is the outbox's business). A step delivered
    twice runs once: each takes its import by a conditional UPDATE. Returns
    how many were queued."""
    now = now or timezone.now()
    waiting = ImportBatch.objects.filter(
        Q(state__in=[State.QUEUED, State.CONFIRMED])
        | Q(state__in=[State.CHECKING, State.IMPORTING], heartbeat_at__isnull=True),
        upload_deleted_at__isnull=True,
        updated_at__lt=now - WAIT_BEFORE_RESEND,
    ).values_list("pk", "state")
    sent = 0
    for batch_id, state in waiting:
        step = "check" if state in (State.QUEUED, State.CHECKING) else "write"
        dispatch_on_commit(step, batch_id)
        sent += 1
    return sent


def upload_path(batch_id, status: dict) -> Path:
    return _folder(batch_id) / f"upload.{status['format']}"


def upload_delete(batch_id, status: dict | None = None) -> None:
    """Delete the uploaded file of an import that no longer needs it (done,
    unreadable, with errors, or abandoned), and record that on its row."""
    shutil.rmtree(_folder(batch_id), ignore_errors=True)
    ImportBatch.objects.filter(pk=batch_id, upload_deleted_at__isnull=True).update(
        upload_deleted_at=timezone.now()
    )
    log.info("import %s: uploaded file deleted", batch_id)


def import_cleanup(*, now: dt.datetime | None = None) -> int:
    """Delete the uploaded files of imports left unconfirmed, or stopped, for
    more than ``KEEP_UNCONFIRMED`` (such an import becomes ``expired``: upload
    again to import), and folders no row knows, older than ``KEEP_ORPHAN``.
    Returns how many uploads were deleted."""
    now = now or timezone.now()
    deleted = 0
    stale = ImportBatch.objects.filter(
        upload_deleted_at__isnull=True, updated_at__lt=now - KEEP_UNCONFIRMED
    ).values_list("pk", "state", "language")
    for batch_id, state, language in stale:
        upload_delete(batch_id)
        deleted += 1
        if state == State.DONE:
            continue
        with translation.override(language or settings.LANGUAGE_CODE):
            message = _(
                "This import was not finished within a day and its file was deleted. "
                "Upload the file again to import it."
            )
        ImportBatch.objects.filter(pk=batch_id).exclude(state=State.DONE).update(
            state=State.EXPIRED, progress=100, message=message, updated_at=now
        )
    root = Path(settings.IMPORT_ROOT)
    if root.is_dir():
        for folder in root.iterdir():
            try:
                batch_id = uuid.UUID(folder.name)
            except ValueError:
                continue
            age = now - dt.datetime.fromtimestamp(folder.stat().st_mtime, tz=dt.UTC)
            if age > KEEP_ORPHAN and not ImportBatch.objects.filter(pk=batch_id).exists():
                shutil.rmtree(folder, ignore_errors=True)
                log.info("import folder %s without a row deleted", batch_id)
                deleted += 1
    return deleted
