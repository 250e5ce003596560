"""Bulk import of assistance records from a beneficiary list (CSV or XLSX).

An import is a folder ``IMPORT_ROOT/<uuid>/`` holding the uploaded file
and ``status.json`` (state, progress, step, counts, errors, a preview), which
is rewritten atomically (temporary file + ``os.replace``) so that a page
reading it never sees half of it. No table is involved: the status file is
the import's only record, and the records it creates carry their history.

queued → checking → checked (or invalid: the file cannot be read) →
confirmed → importing → done. The dry run (``import_check``) writes nothing;
the write (``import_write``) checks every row again, against the data as it
is then, and creates all the records in one transaction or none. Files of
more than ``INLINE_MAX_ROWS`` rows run in a Celery task, others in the request.

Rows only for projects in the importer's scope (``projects_for_user``); a
project outside it is reported exactly like a project that does not exist.
Records are created ``approved`` when a manager (or an administrator) imports
them: every row is in their scope, and the dry run they confirmed is their
review. A monitor's records are created ``submitted``, for a manager to approve.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import os
import re
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from beneficiaries.models import RECIPIENT_FIELDS, ActivityType, AssistanceRecord, ReviewStatus
from beneficiaries.services import assistance_line_errors
from indicators.services import assistance_scope, recompute_after_change
from programmes.access import projects_for_user, user_role
from programmes.models import UserProfile
from programmes.selectors import governorate_lookup, governorate_resolve

log = logging.getLogger(__name__)
Role = UserProfile.Role

IMPORT_ROLES = (Role.MONITOR, Role.MANAGER, Role.ADMIN)
INLINE_MAX_ROWS = 2_000  # larger files are checked and written by a Celery task
BATCH_SIZE = 2_000
PREVIEW_ROWS = 200
MAX_ERRORS = 10_000  # kept and shown; beyond that only counted
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PROGRESS_EVERY = 1_000
MAX_COUNT = 2_147_483_647  # a PostgreSQL integer

REQUIRED_COLUMNS = ["project", "governorate", "activity_type", "delivered_on", "people"]
COUNT_COLUMNS = ["units", "households", "people", *RECIPIENT_FIELDS]
COLUMNS = [*REQUIRED_COLUMNS, "units", "households", "household_size", *RECIPIENT_FIELDS]
# Other headings data collection tools use for the same column.
HEADER_ALIASES = {
    "project_code": "project",
    "activity": "activity_type",
    "date": "delivered_on",
    "delivery_date": "delivered_on",
    "governorate_pcode": "governorate",
    "adm1_pcode": "governorate",
}
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
MONTHS = {name: i for i, full in enumerate(_MONTH_NAMES.split(), 1) for name in (full, full[:3])}
MONTHS["sept"] = 9
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?")
_DMY_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_NAMED_DATE = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})")
_THOUSANDS = re.compile(r"\d{1,3}(?:([,\u066c\u00a0\u202f ])\d{3})(?:\1\d{3})*")
_WHOLE = re.compile(r"\d+(?:\.0+)?")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


# --- Storage ----------------------------------------------------------------------


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
            "rows_estimate": _estimate_rows(stored, suffix[1:]),
            "background": False,
            "message": "",
            "errors": [],
            "errors_total": 0,
            "preview": [],
            "counts": {},
            "ignored_columns": [],
        },
    )


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
    errors, or already confirmed: the lock file makes a second click a no-op)."""
    from beneficiaries.tasks import import_write_task

    status = import_for_user(user, batch_id)
    if status["state"] != "checked" or status["errors_total"] or not status["counts"].get("rows"):
        return False
    try:
        os.close(os.open(_folder(batch_id) / "confirm.lock", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return False
    status = _status_update(batch_id, state="confirmed", step="queued", progress=0)
    _run_or_queue(batch_id, status, task=import_write_task, service=import_write)
    return True


def _estimate_rows(path: Path, fmt: str) -> int | None:
    """The number of data rows, roughly (to choose where the work runs)."""
    try:
        if fmt == "csv":
            lines = 0
            with path.open("rb") as file:
                while chunk := file.read(1 << 20):
                    lines += chunk.count(b"\n")
            return max(lines - 1, 0)
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            rows = workbook.worksheets[0].max_row
        finally:
            workbook.close()
        return max(rows - 1, 0) if rows else None
    except Exception:  # an unreadable file is reported by the dry run
        return None


# --- Reading the file -------------------------------------------------------------


def _normalise_header(value) -> str:
    key = str(value if value is not None else "").strip().lstrip("\ufeff").casefold()
    key = re.sub(r"[\s\-]+", "_", key)
    return HEADER_ALIASES.get(key, key)


def _csv_lines(path: Path) -> Iterator[list[str]]:
    with path.open("rb") as file:
        head = file.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        raise ImportFileError(
            _(
                "This file is UTF-16 text (Excel's “Unicode text”), not CSV UTF-8. In "
                "Excel choose Save as → “CSV UTF-8 (comma delimited)” and upload that."
            )
        )

    def decoded(file) -> Iterator[str]:
        for number, raw in enumerate(file, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ImportFileError(
                    _(
                        "Line %(row)s is not UTF-8 text (the file may be in Latin-1 or "
                        "Windows Arabic). Save it as “CSV UTF-8” and upload it again."
                    )
                    % {"row": number}
                ) from None
            yield line.removeprefix("\ufeff") if number == 1 else line

    with path.open("rb") as file:
        lines = decoded(file)
        first = next(lines, "")
        delimiter = max(",;\t", key=first.count)
        reader = csv.reader(_chain(first, lines), delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as exc:
            raise ImportFileError(
                _("Line %(row)s cannot be read as CSV (%(problem)s).")
                % {"row": reader.line_num + 1, "problem": exc}
            ) from None


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def _xlsx_lines(path: Path) -> Iterator[tuple]:
    with path.open("rb") as file:
        magic = file.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel file (.xls) renamed .xlsx. Save it as .xlsx or CSV.")
        )
    if not zipfile.is_zipfile(path):
        raise ImportFileError(
            _(
                "This file is not an Excel workbook, although its name ends in .xlsx "
                "(it may be text or CSV). Save it from Excel as .xlsx, or upload it as .csv."
            )
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception:
        raise ImportFileError(
            _("This Excel workbook cannot be read. Open it in Excel, save it again as .xlsx.")
        ) from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _rows(path: Path, fmt: str) -> tuple[list[str], list[str], Iterator[tuple[int, dict]]]:
    """(columns used, columns ignored, rows as (row number in the sheet, {column: value})).
    Blank rows are skipped; row 1 is the header."""
    lines = _csv_lines(path) if fmt == "csv" else _xlsx_lines(path)
    header = next(lines, None)
    if header is None or not any(str(cell or "").strip() for cell in header):
        raise ImportFileError(_("The file is empty: its first row must hold the column names."))
    names = [_normalise_header(cell) for cell in header]
    seen = [name for name in names if name]
    duplicates = sorted({name for name in seen if seen.count(name) > 1})
    if duplicates:
        raise ImportFileError(
            _("These columns appear twice: %(columns)s.") % {"columns": ", ".join(duplicates)}
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise ImportFileError(
            _("Columns missing: %(columns)s. Start from the template on the import page.")
            % {"columns": ", ".join(missing)}
        )
    used = [(index, name) for index, name in enumerate(names) if name in COLUMNS]
    ignored = [str(header[i]) for i, name in enumerate(names) if name and name not in COLUMNS]

    def rows() -> Iterator[tuple[int, dict]]:
        for number, values in enumerate(lines, start=2):
            row = {name: values[i] if i < len(values) else None for i, name in used}
            if any(value is not None and str(value).strip() for value in row.values()):
                yield number, row

    return [name for _i, name in used], ignored, rows()


# --- Cells ------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def parse_count(value) -> int | None:
    """A whole number of 0 or more from a cell ("1,234", 1234.0, "١٢"); None when
    blank. Raises ValueError with the message for the user."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError(_("Give a whole number, not TRUE or FALSE."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = _text(value)
        if not text:
            return None
        if text.startswith("-") and _WHOLE.fullmatch(text[1:]):
            raise ValueError(_("“%(value)s” is negative: give 0 or more.") % {"value": text})
        if _THOUSANDS.fullmatch(text):
            text = re.sub(r"\D", "", text)
        elif _WHOLE.fullmatch(text):
            text = text.split(".")[0]
        else:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        number = int(text)
    if number < 0:
        raise ValueError(_("“%(value)s” is negative: give 0 or more.") % {"value": number})
    if number > MAX_COUNT:
        raise ValueError(_("“%(value)s” is too large.") % {"value": number})
    return number


def parse_date(value) -> dt.date | None:
    """A day from a cell: a spreadsheet date, 2018-03-01, 01/03/2018 (day
    first) or 1 March 2018; None when blank. Raises ValueError with the message."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    day = month = year = None
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DMY_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif (match := _NAMED_DATE.fullmatch(text)) and match.group(2).casefold() in MONTHS:
        day, year = int(match.group(1)), int(match.group(3))
        month = MONTHS[match.group(2).casefold()]
    try:
        if year is None:
            raise ValueError
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date: write 2018-03-01, 01/03/2018 or 1 March 2018.")
            % {"value": text}
        ) from None


# --- Rows -------------------------------------------------------------------------


class _Rules:
    """What a row is checked against, read once per run (a handful of queries)."""

    def __init__(self, user):
        self.projects = {
            project.code.casefold(): project
            for project in projects_for_user(user)
            .select_related("governorate")
            .defer("governorate__boundary")
        }
        self.activities: dict[str, ActivityType] = {}
        for activity in ActivityType.objects.all():
            self.activities[activity.code.casefold()] = activity
            self.activities[" ".join(activity.name.split()).casefold()] = activity
        self.governorates = governorate_lookup()
        self.sector_errors: dict[tuple[int, int], str | None] = {}
        self.today = timezone.localdate()

    def sector_error(self, project, activity) -> str | None:
        key = (project.pk, activity.pk)
        if key not in self.sector_errors:
            errors = assistance_line_errors(
                project=project,
                activity_type=activity,
                units=0,
                households=0,
                people=0,
                household_size=None,
                recipients={},
            )
            self.sector_errors[key] = errors.get("activity_type")
        return self.sector_errors[key]


def _check_row(row: dict, rules: _Rules) -> tuple[dict, list[tuple[str, str]]]:
    """The row's values for a record, and its errors as [(column, message)]."""
    errors: list[tuple[str, str]] = []
    formulas = set()
    for column, value in row.items():
        if isinstance(value, str) and len(value.strip()) > 1 and value.strip()[0] == "=":
            formulas.add(column)
            message = _("This cell holds a formula (%(formula)s): paste its value instead.")
            errors.append((column, message % {"formula": value.strip()[:40]}))

    def fail(column: str, message: str, given: str = "", **names) -> None:
        """An error of ``column``; "required" when nothing was ``given``."""
        if column not in formulas:
            errors.append((column, message % names if given else _("This column is required.")))

    code = _text(row.get("project"))
    project = rules.projects.get(code.casefold())
    if project is None:
        message = _("No project “%(code)s” among the projects you enter data for.")
        fail("project", message, code, code=code)
    name = _text(row.get("governorate"))
    place = governorate_resolve(name, lookup=rules.governorates) if name else None
    if place is None:
        message = _("Unknown governorate “%(name)s”: give its P-code, English or Arabic name.")
        fail("governorate", message, name, name=name)
    elif project is not None and project.governorate_id != place.pk:
        message = _("Project %(code)s is in %(project_gov)s, not %(gov)s.")
        gov, project_gov = place.name_iom, project.governorate.name_iom
        fail("governorate", message, name, code=project.code, gov=gov, project_gov=project_gov)
    activity_name = _text(row.get("activity_type"))
    activity = rules.activities.get(activity_name.casefold())
    if activity is None:
        message = _("Unknown activity type “%(name)s”: use a name listed on the import page.")
        fail("activity_type", message, activity_name, name=activity_name)
    day = None
    try:
        day = parse_date(row.get("delivered_on")) if "delivered_on" not in formulas else None
    except ValueError as exc:
        errors.append(("delivered_on", str(exc)))
    else:
        if day is None:
            fail("delivered_on", "")
        elif day > rules.today:
            errors.append(("delivered_on", _("This date is in the future.")))
        elif project and not (project.start_date <= day <= (project.end_date or day)):
            message = _("Project %(code)s ran from %(start)s to %(end)s, not on this day.")
            end = project.end_date.isoformat() if project.end_date else "…"
            start = project.start_date.isoformat()
            fail("delivered_on", message, str(day), code=project.code, start=start, end=end)
    counts: dict[str, int | None] = {}
    for column in [*COUNT_COLUMNS, "household_size"]:
        try:
            counts[column] = None if column in formulas else parse_count(row.get(column))
        except ValueError as exc:
            errors.append((column, str(exc)))
    if counts.get("people", 0) is None:
        fail("people", "")
    if not any(column in COUNT_COLUMNS or column == "household_size" for column, _m in errors):
        errors.extend(
            assistance_line_errors(
                project=None,
                activity_type=None,
                units=counts["units"],
                households=counts["households"],
                people=counts["people"],
                household_size=counts["household_size"],
                recipients={column: counts[column] for column in RECIPIENT_FIELDS},
            ).items()
        )
    if project is not None and activity is not None:
        if message := rules.sector_error(project, activity):
            errors.append(("activity_type", message))
    values = {
        "project": project,
        "activity_type": activity,
        "delivered_on": day,
        **{column: counts.get(column) or 0 for column in COUNT_COLUMNS},
        "household_size": counts.get("household_size"),
    }
    return values, errors


def _preview(number: int, values: dict, errors: list) -> dict:
    return {
        "row": number,
        "project": values["project"].code if values["project"] else "",
        "governorate": values["project"].governorate.name_iom if values["project"] else "",
        "activity_type": values["activity_type"].name if values["activity_type"] else "",
        "delivered_on": values["delivered_on"].isoformat() if values["delivered_on"] else "",
        "units": values["units"],
        "households": values["households"],
        "people": values["people"],
        "household_size": values["household_size"],
        "breakdown": sum(values[column] for column in RECIPIENT_FIELDS),
        "ok": not errors,
    }


class _RowsInvalid(Exception):
    def __init__(self, result: dict):
        self.result = result


def _scan(batch_id, status: dict, user, *, record_status: str | None) -> dict:
    """Read and check every row; with ``record_status``, also create the
    records (inside the caller's transaction) and raise _RowsInvalid if any
    row is wrong, so the caller rolls everything back."""
    path = _folder(batch_id) / f"upload.{status['format']}"
    columns, ignored, rows = _rows(path, status["format"])
    rules = _Rules(user)
    total = status.get("rows_estimate") or 0
    errors: list[dict] = []
    errors_total = invalid = people = created = 0
    preview: list[dict] = []
    projects: set[int] = set()
    scope_keys: set[tuple] = set()
    pending: list[AssistanceRecord] = []
    reason = _("Imported from %(file)s") % {"file": status["filename"]}

    def flush() -> int:
        bulk_create_with_history(
            pending,
            AssistanceRecord,
            batch_size=BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
        )
        done = len(pending)
        pending.clear()
        return done

    count = 0
    for count, (number, row) in enumerate(rows, start=1):  # noqa: B007
        values, row_errors = _check_row(row, rules)
        if len(preview) < PREVIEW_ROWS:
            preview.append(_preview(number, values, row_errors))
        if row_errors:
            invalid += 1
            errors_total += len(row_errors)
            for column, message in row_errors:
                if len(errors) < MAX_ERRORS:
                    errors.append({"row": number, "column": column, "message": message})
        else:
            people += values["people"]
            projects.add(values["project"].pk)
            if record_status and not errors_total:
                month = values["delivered_on"].replace(day=1)
                scope_keys.add((values["project"], values["activity_type"].pk, month))
                pending.append(AssistanceRecord(status=record_status, **values))
                if len(pending) >= BATCH_SIZE:
                    created += flush()
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
    if record_status is None:
        return result
    if errors_total:
        raise _RowsInvalid(result)
    if pending:
        created += flush()
    result["counts"]["created"] = created
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
    column, and state ``checked`` (or ``invalid`` when the file is unreadable)."""

    def body(status: dict) -> dict:
        result = _scan(batch_id, status, _owner(status), record_status=None)
        return _status_update(batch_id, state="checked", step="checked", progress=100, **result)

    return _run(batch_id, step="checking", body=body)


def import_write(*, batch_id) -> dict:
    """Create the records of a confirmed import, all in one transaction or
    none: every row is checked again, and one wrong row rolls back the lot
    (the import goes back to ``checked`` with its errors). Approved records
    ask for the recomputation of what they count in, after commit."""
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
            return _status_update(
                batch_id, state="checked", step="checked", progress=100, **invalid.result
            )
        return _status_update(
            batch_id,
            state="done",
            step="done",
            progress=100,
            record_status=record_status,
            finished_at=timezone.now().isoformat(),
            **result,
        )

    return _run(batch_id, step="importing", body=body)
