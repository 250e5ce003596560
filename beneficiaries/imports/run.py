"""Running an import: the dry run, the confirmation and the write, each in
a Celery worker (never in the request: a hostile file holds a worker for at
most the limits' time, never a web process).

queued → checking → checked (or invalid: the file cannot be read) →
confirmed → importing → done. Each step takes the import by a conditional
UPDATE of its row, so a second delivery of a task finds it taken or done.
The dry run (``import_check``) writes no record; the write
(``import_write``) checks every row again, against the data as it is then,
and creates all the records in one transaction or none; that transaction
also sets "done", and each record carries the import's id and its row, unique
together, so the batch cannot be written twice.

Records are created ``approved`` when a manager (or an administrator) imports
them: every row is in their scope, and the dry run they confirmed is their
review. A monitor's records are created ``submitted`` and carry the import's
id, for a manager to approve them in one action (``write.import_approve``).
The uploaded file is deleted as soon as it is no longer needed.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beneficiaries.access import import_for_user
from beneficiaries.imports.parse import ImportFileError, estimate_rows, read_rows
from beneficiaries.imports.reach import SharedReaches
from beneficiaries.imports.status import (
    ProgressAside,
    Role,
    State,
    _status_update,
    batch_take,
    batch_transition,
    dispatch_on_commit,
    status_read,
    upload_delete,
    upload_path,
)
from beneficiaries.imports.validate import Rules, check_row, preview_row
from beneficiaries.imports.write import RecordWriter
from beneficiaries.models import AssistanceRecord, ImportBatch, ReviewStatus
from programmes.access import user_role
from programmes.hooks import assistance_scope, recompute_after_change
from programmes.leases import Heartbeat
from programmes.places import place_governorate

log = logging.getLogger(__name__)

PREVIEW_ROWS = 200
MAX_ERRORS = 10_000  # kept and shown; beyond that only counted
PROGRESS_EVERY = 1_000


def import_confirm(*, batch_id, user) -> bool:
    """Confirm a checked import without errors and queue its write. False
    when it cannot be confirmed (not checked, errors, file gone, or already
    confirmed: the conditional UPDATE makes a second click a no-op)."""
    import_for_user(user, batch_id)
    confirmed = batch_transition(
        batch_id,
        from_states=[State.CHECKED],
        to=State.CONFIRMED,
        progress=0,
        rows_done=0,
    )
    if not confirmed:
        return False
    status = status_read(batch_id)
    if status["errors_total"] or not status["counts"].get("rows") or status["upload_deleted_at"]:
        # Cannot happen through the pages (such an import is not confirmable);
        # put it back rather than queue a write that would fail.
        batch_transition(batch_id, from_states=[State.CONFIRMED], to=State.CHECKED)
        return False
    dispatch_on_commit("write", batch_id)
    return True


class _RowsInvalid(Exception):
    def __init__(self, result: dict):
        self.result = result


def _scan(batch_id, status: dict, user, *, record_status: str | None) -> dict:
    """Read and check every row; with ``record_status``, also create the
    records (inside the caller's transaction) and raise _RowsInvalid if any
    row is wrong, so the caller rolls everything back."""
    columns, ignored, rows = read_rows(upload_path(batch_id, status), status["format"])
    rules = Rules(user)
    total = status.get("rows_estimate") or 0
    errors: list[dict] = []
    errors_total = invalid = people = 0
    preview: list[dict] = []
    projects: set[int] = set()
    scope_keys: set[tuple] = set()
    writer = None
    aside = None

    def report(**progress) -> None:
        if aside is not None:
            aside.update(**progress)
        else:
            _status_update(batch_id, **progress)

    if record_status:
        # Inside the write's transaction: its progress goes through another
        # connection, or the page would see it only once it is done.
        aside = ProgressAside(batch_id)
        writer = RecordWriter(
            batch_id=batch_id,
            user=user,
            status=record_status,
            reason=_("Imported from %(file)s") % {"file": status["filename"]},
        )

    count = 0
    reaches = SharedReaches()
    try:
        for count, (number, row) in enumerate(rows, start=1):  # noqa: B007
            values, row_errors = check_row(row, rules)
            first_of_reach = True
            if not row_errors:
                row_errors, first_of_reach = reaches.check(number, values)
            if len(preview) < PREVIEW_ROWS:
                preview.append(preview_row(number, values, row_errors))
            if row_errors:
                invalid += 1
                errors_total += len(row_errors)
                for column, message in row_errors:
                    if len(errors) < MAX_ERRORS:
                        errors.append({"row": number, "column": column, "message": message})
            else:
                people += values["people"] if first_of_reach else 0
                projects.add(values["project"].pk)
                if writer is not None and not errors_total:
                    month = values["delivered_on"].replace(day=1)
                    governorate = place_governorate(values["place"]).pk
                    key = (values["project"], values["activity_type"].pk, month, governorate)
                    scope_keys.add(key)
                    writer.add(values, row=number)
            if count % PROGRESS_EVERY == 0:
                report(progress=min(99, count * 100 // total) if total else 50, rows_done=count)
        for number, column, message in reaches.errors():
            invalid += 1
            errors_total += 1
            if len(errors) < MAX_ERRORS:
                errors.append({"row": number, "column": column, "message": message})
    finally:
        if aside is not None:
            aside.close()
    if not count:
        raise ImportFileError(_("The file has column names but no rows of data."))
    result = {
        "errors": errors,
        "errors_total": errors_total,
        "preview": preview,
        "ignored_columns": ignored,
        "columns": columns,
        "counts": {
            "rows": count,
            "valid": count - invalid,
            "invalid": invalid,
            "people": people,
            "projects": len(projects),
            "created": 0,
        },
    }
    if writer is None:
        return result
    if errors_total:
        raise _RowsInvalid(result)
    result["counts"]["created"] = writer.finish()
    if record_status == ReviewStatus.APPROVED:
        touched = [
            AssistanceRecord(
                project=project,
                activity_type_id=activity_id,
                delivered_on=month,
                governorate_id=governorate,
            )
            for project, activity_id, month, governorate in scope_keys
        ]
        recompute_after_change(scopes=[assistance_scope(touched)])
    return result


def _owner(status: dict):
    return get_user_model().objects.select_related("profile").get(pk=status["owner"])


def _run(batch_id, *, step: str, from_states, body) -> dict | None:
    """Take the import from one of ``from_states`` into ``step`` (one
    conditional UPDATE: a second delivery of the task finds it taken or
    finished, and stops), then run ``body``."""
    # Attempts of this step: 1 when it starts, one more each time it starts over.
    attempts = Case(When(state=step, then=F("attempts") + 1), default=Value(1))
    if not batch_take(
        batch_id,
        from_states=from_states,
        step=step,
        progress=0,
        rows_done=0,
        message="",
        attempts=attempts,
    ):
        log.info("import %s: not %s (or held by a worker), nothing to do", batch_id,
                 " or ".join(from_states))  # fmt: skip
        return status_read(batch_id)
    status = status_read(batch_id)
    with translation.override(status.get("language") or settings.LANGUAGE_CODE):
        try:
            with Heartbeat(ImportBatch, uuid.UUID(str(batch_id))):
                return body(status)
        except ImportFileError as exc:
            upload_delete(batch_id, status)  # unreadable: of no more use
            return _status_update(batch_id, state=State.INVALID, progress=100, message=str(exc))
        except Exception:
            log.exception("import %s failed while %s", batch_id, step)
            _status_update(
                batch_id,
                state=State.FAILED,
                message=_("The import stopped on an unexpected error; nothing was written."),
            )
            raise


def import_check(*, batch_id) -> dict | None:
    """The dry run, in a worker: check the archive against the limits, read
    and check every row, writing no record; the row gets the counts, the
    first rows and every error by row and column, and state ``checked`` (or
    ``invalid`` when the file is unreadable or above a limit). A file with
    errors cannot be confirmed, so it is deleted. A worker killed mid-check
    leaves it ``checking``; the task delivered again starts it over."""

    def body(status: dict) -> dict:
        path = upload_path(batch_id, status)
        _status_update(batch_id, rows_estimate=estimate_rows(path, status["format"]))
        status = status_read(batch_id)
        result = _scan(batch_id, status, _owner(status), record_status=None)
        if result["errors_total"]:
            upload_delete(batch_id, status)
        _status_update(batch_id, progress=100, **result)
        batch_transition(batch_id, from_states=[State.CHECKING], to=State.CHECKED)
        return status_read(batch_id)

    return _run(
        batch_id, step=State.CHECKING, from_states=[State.QUEUED, State.CHECKING], body=body
    )


def import_write(*, batch_id) -> dict | None:
    """Create the records of a confirmed import, all in one transaction or
    none: every row is checked again, and one wrong row rolls back the lot
    (the import goes back to ``checked`` with its errors). The same
    transaction moves the import to ``done``, so a worker killed after the
    commit leaves it done, and the task delivered again writes nothing; a
    second writer at the same time fails on the unique (import, row) of the
    records. Approved records ask for the recomputation of what they count
    in, after commit. The uploaded file is deleted once they are written."""

    def body(status: dict) -> dict:
        user = _owner(status)
        record_status = (
            ReviewStatus.APPROVED
            if user_role(user) in (Role.MANAGER, Role.ADMIN)
            else ReviewStatus.SUBMITTED
        )
        try:
            with transaction.atomic():
                result = _scan(batch_id, status, user, record_status=record_status)
                if not batch_transition(
                    batch_id,
                    from_states=[State.IMPORTING],
                    to=State.DONE,
                    progress=100,
                    record_status=record_status,
                    finished_at=timezone.now(),
                    **result,
                ):
                    raise IntegrityError("the import was taken by another writer")
        except _RowsInvalid as invalid:
            upload_delete(batch_id, status)
            _status_update(batch_id, progress=100, **invalid.result)
            batch_transition(batch_id, from_states=[State.IMPORTING], to=State.CHECKED)
            return status_read(batch_id)
        except IntegrityError:
            # Written by another delivery of this task meanwhile: nothing to do.
            log.warning("import %s: already written by another worker", batch_id)
            return status_read(batch_id)
        # Once the records are committed (at once when not inside a transaction).
        transaction.on_commit(lambda: upload_delete(batch_id, status))
        return status_read(batch_id)

    # "failed" and "importing" too: a run stopped by a lost database connection
    # or a killed worker was rolled back, and starts again.
    return _run(
        batch_id,
        step=State.IMPORTING,
        from_states=[State.CONFIRMED, State.IMPORTING, State.FAILED],
        body=body,
    )
