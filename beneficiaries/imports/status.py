"""Where an import lives: a folder ``IMPORT_ROOT/<uuid>/`` holding the
uploaded file and ``status.json`` (state, progress, step, counts, errors, a
preview), rewritten atomically (temporary file + ``os.replace``) so that a
page reading it never sees half of it. Who may see an import, how one is
created, and the removal of uploaded files once they are no longer needed
(they hold personal data)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from beneficiaries.imports.parse import ImportFileError, estimate_rows
from programmes.access import user_role
from programmes.models import UserProfile

log = logging.getLogger(__name__)
Role = UserProfile.Role

IMPORT_ROLES = (Role.MONITOR, Role.MANAGER, Role.ADMIN)
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
RUNNING_STATES = ("queued", "checking", "confirmed", "importing")
# An upload nobody confirmed (or whose run stopped) is deleted after this long.
KEEP_UNCONFIRMED = dt.timedelta(days=1)


def _folder(batch_id) -> Path:
    return Path(settings.IMPORT_ROOT) / str(uuid.UUID(str(batch_id)))


def status_read(batch_id) -> dict | None:
    """The import's status, or None when there is no such import."""
    try:
        return json.loads((_folder(batch_id) / "status.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def _status_write(batch_id, status: dict) -> dict:
    folder = _folder(batch_id)
    status["updated_at"] = timezone.now().isoformat()
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=folder, prefix=".status-", suffix=".tmp", delete=False
    ) as tmp:
        json.dump(status, tmp, ensure_ascii=False)
    os.replace(tmp.name, folder / "status.json")
    return status


def _status_update(batch_id, **changes) -> dict:
    status = status_read(batch_id) or {}
    status.update(changes)
    return _status_write(batch_id, status)


def import_for_user(user, batch_id) -> dict:
    """The status of import ``batch_id`` if ``user`` started it (and may still
    import); Http404 otherwise, so an import's existence is not disclosed."""
    if user_role(user) not in IMPORT_ROLES:
        raise Http404
    status = status_read(batch_id)
    if status is None or status.get("owner") != user.pk:
        raise Http404
    return status


def import_can_start(user) -> bool:
    """Whether ``user`` imports lists: field staff, managers and administrators."""
    return user_role(user) in IMPORT_ROLES


def import_create(*, user, upload) -> dict:
    """Store an uploaded file as a new import (queued) and return its status.
    Raises ImportFileError for a file that is empty, too large or not CSV/XLSX."""
    name = os.path.basename(upload.name or "")
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
    batch_id = uuid.uuid4()
    folder = _folder(batch_id)
    folder.mkdir(parents=True)
    stored = folder / f"upload{suffix}"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return _status_write(
        batch_id,
        {
            "id": str(batch_id),
            "owner": user.pk,
            "filename": name,
            "format": suffix[1:],
            "language": translation.get_language() or settings.LANGUAGE_CODE,
            "created_at": timezone.now().isoformat(),
            "state": "queued",
            "step": "queued",
            "progress": 0,
            "rows_estimate": estimate_rows(stored, suffix[1:]),
            "background": False,
            "message": "",
            "errors": [],
            "errors_total": 0,
            "preview": [],
            "counts": {},
            "ignored_columns": [],
        },
    )


def upload_path(batch_id, status: dict) -> Path:
    return _folder(batch_id) / f"upload.{status['format']}"


def upload_delete(batch_id, status: dict) -> None:
    """Delete the uploaded file of an import that no longer needs it (done,
    unreadable, with errors, or abandoned); its status and result stay."""
    try:
        upload_path(batch_id, status).unlink()
    except FileNotFoundError:
        return
    log.info("import %s: uploaded file deleted", batch_id)


def import_cleanup(*, now: dt.datetime | None = None) -> int:
    """Delete the uploaded files of imports left unconfirmed, or stopped,
    for more than ``KEEP_UNCONFIRMED``; such an import becomes ``expired``
    (upload again to import). Returns how many files were deleted. Imports
    that are done, unreadable or with errors lost their file already."""
    now = now or timezone.now()
    root = Path(settings.IMPORT_ROOT)
    if not root.is_dir():
        return 0
    deleted = 0
    for folder in root.iterdir():
        try:
            batch_id = uuid.UUID(folder.name)
        except ValueError:
            continue
        status = status_read(batch_id)
        if status is None or not upload_path(batch_id, status).exists():
            continue
        updated = dt.datetime.fromisoformat(status.get("updated_at") or status["created_at"])
        if now - updated < KEEP_UNCONFIRMED:
            continue
        upload_delete(batch_id, status)
        deleted += 1
        if status["state"] != "done":
            with translation.override(status.get("language") or settings.LANGUAGE_CODE):
                message = _(
                    "This import was not finished within a day and its file was deleted. "
                    "Upload the file again to import it."
                )
            _status_update(batch_id, state="expired", progress=100, message=message)
    return deleted
