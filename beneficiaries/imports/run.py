"""Running an import: the dry run, the confirmation and the write.

queued → checking → checked (or invalid: the file cannot be read) →
confirmed → importing → done. The dry run (``import_check``) writes nothing;
the write (``import_write``) checks every row again, against the data as it
is then, and creates all the records in one transaction or none. Files of
more than ``INLINE_MAX_ROWS`` rows run in a Celery task, others in the request.

Records are created ``approved`` when a manager (or an administrator) imports
them: every row is in their scope, and the dry run they confirmed is their
review. A monitor's records are created ``submitted`` and carry the import's
id, for a manager to approve them in one action (``write.import_approve``).
The uploaded file is deleted as soon as it is no longer needed.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beneficiaries.imports.parse import ImportFileError, read_rows
from beneficiaries.imports.status import (
    Role,
    _folder,
    _status_update,
    import_for_user,
    status_read,
    upload_delete,
    upload_path,
)
from beneficiaries.imports.validate import Rules, check_row, preview_row
from beneficiaries.imports.write import RecordWriter
from beneficiaries.models import AssistanceRecord, ReviewStatus
from programmes.access import user_role
from programmes.hooks import assistance_scope, recompute_after_change

log = logging.getLogger(__name__)

INLINE_MAX_ROWS = 2_000  # larger files are checked and written by a Celery task
PREVIEW_ROWS = 200
MAX_ERRORS = 10_000  # kept and shown; beyond that only counted
PROGRESS_EVERY = 1_000


def _run_or_queue(batch_id, status: dict, *, task, service) -> None:
    if (status.get("rows_estimate") or 0) > INLINE_MAX_ROWS:
        _status_update(batch_id, background=True)
        task.delay(str(batch_id))
    else:
        service(batch_id=batch_id)


def import_start_check(*, batch_id) -> None:
    """Run the dry run now, or queue it for a worker when the file is large."""
    from beneficiaries.tasks import import_check_task

    _run_or_queue(batch_id, status_read(batch_id), task=import_check_task, service=import_check)


def import_confirm(*, batch_id, user) -> bool:
    """Confirm a checked import without errors and start writing it (now, or
    in a worker when large). False when it cannot be confirmed (not checked,
    errors, file gone, or already confirmed: the lock file makes a second
    click a no-op)."""
    from beneficiaries.tasks import import_write_task

    status = import_for_user(user, batch_id)
    if status["state"] != "checked" or status["errors_total"] or not status["counts"].get("rows"):
        return False
    if not upload_path(batch_id, status).exists():
        return False
    try:
        os.close(os.open(_folder(batch_id) / "confirm.lock", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return False
    status = _status_update(batch_id, state="confirmed", step="queued", progress=0)
    _run_or_queue(batch_id, status, task=import_write_task, service=import_write)
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
    if record_status:
        writer = RecordWriter(
            batch_id=batch_id,
            user=user,
            status=record_status,
            reason=_("Imported from %(file)s") % {"file": status["filename"]},
        )

    count = 0
    for count, (number, row) in enumerate(rows, start=1):  # noqa: B007
        values, row_errors = check_row(row, rules)
        if len(preview) < PREVIEW_ROWS:
            preview.append(preview_row(number, values, row_errors))
        if row_errors:
            invalid += 1
            errors_total += len(row_errors)
            for column, message in row_errors:
                if len(errors) < MAX_ERRORS:
                    errors.append({"row": number, "column": column, "message": message})
        else:
            people += values["people"]
            projects.add(values["project"].pk)
            if writer is not None and not errors_total:
                month = values["delivered_on"].replace(day=1)
                scope_keys.add((values["project"], values["activity_type"].pk, month))
                writer.add(values)
        if count % PROGRESS_EVERY == 0:
            _status_update(
                batch_id,
                progress=min(99, count * 100 // total) if total else 50,
                rows_done=count,
            )
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
            AssistanceRecord(project=project, activity_type_id=activity_id, delivered_on=month)
            for project, activity_id, month in scope_keys
        ]
        recompute_after_change(scopes=[assistance_scope(touched)])
    return result


def _owner(status: dict):
    return get_user_model().objects.select_related("profile").get(pk=status["owner"])


def _run(batch_id, *, step: str, body) -> dict:
    status = status_read(batch_id)
    with translation.override(status.get("language") or settings.LANGUAGE_CODE):
        _status_update(batch_id, state=step, step=step, progress=0, rows_done=0)
        try:
            return body(status)
        except ImportFileError as exc:
            upload_delete(batch_id, status)  # unreadable: of no more use
            return _status_update(batch_id, state="invalid", progress=100, message=str(exc))
        except Exception:
            log.exception("import %s failed while %s", batch_id, step)
            _status_update(
                batch_id,
                state="failed",
                message=_("The import stopped on an unexpected error; nothing was written."),
            )
            raise


def import_check(*, batch_id) -> dict:
    """The dry run: read and check every row, writing nothing to the database;
    the status gets the counts, the first rows and every error by row and
    column, and state ``checked`` (or ``invalid`` when the file is unreadable).
    A file with errors cannot be confirmed, so it is deleted."""

    def body(status: dict) -> dict:
        result = _scan(batch_id, status, _owner(status), record_status=None)
        if result["errors_total"]:
            upload_delete(batch_id, status)
        return _status_update(batch_id, state="checked", step="checked", progress=100, **result)

    return _run(batch_id, step="checking", body=body)


def import_write(*, batch_id) -> dict:
    """Create the records of a confirmed import, all in one transaction or
    none: every row is checked again, and one wrong row rolls back the lot
    (the import goes back to ``checked`` with its errors). Approved records
    ask for the recomputation of what they count in, after commit. The
    uploaded file is deleted once the records are written."""
    status = status_read(batch_id)
    # "failed" too: a task retried after a lost database connection starts again
    # (the failed attempt's transaction was rolled back).
    if status is None or status["state"] not in ("confirmed", "importing", "failed"):
        return status

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
        except _RowsInvalid as invalid:
            upload_delete(batch_id, status)
            return _status_update(
                batch_id, state="checked", step="checked", progress=100, **invalid.result
            )
        done = _status_update(
            batch_id,
            state="done",
            step="done",
            progress=100,
            record_status=record_status,
            finished_at=timezone.now().isoformat(),
            **result,
        )
        # Once the records are committed (at once when not inside a transaction).
        transaction.on_commit(lambda: upload_delete(batch_id, status))
        return done

    return _run(batch_id, step="importing", body=body)
