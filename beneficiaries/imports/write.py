"""Writing the records of an import with PostgreSQL's COPY, and approving a
monitor's import in one action.

The rows go to the assistance table with ``COPY ... FROM STDIN`` in chunks,
inside the caller's transaction, so the import stays all or nothing. Every
record still gets its history row ("created", by the importer, with the
file's name as the reason), written in one ``INSERT ... SELECT`` from the
rows just copied rather than by simple_history one object at a time: the
history is the same, without a round trip per row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import AssistanceRecord, ReviewStatus, SharedReach
from beneficiaries.models_splits import splits_resolve
from programmes.hooks import assistance_scope, recompute_after_change
from programmes.models import Project

BATCH_SIZE = 20_000  # rows per COPY

_TABLE = AssistanceRecord._meta.db_table
_HISTORY_TABLE = AssistanceRecord.history.model._meta.db_table
# Every column but the id, which the table's sequence gives.
_COLUMNS = [f.column for f in AssistanceRecord._meta.concrete_fields if not f.primary_key]
_ALL_COLUMNS = [f.column for f in AssistanceRecord._meta.concrete_fields]


def _quoted(columns: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(column) for column in columns)


def _place_ids(place) -> dict[str, int | None]:
    """The place columns of a record at ``place`` (the database derives them
    again, and checks the coverage)."""
    record = AssistanceRecord()
    record.place_set(place)
    return {
        "subdistrict_id": record.subdistrict_id,
        "district_id": record.district_id,
        "governorate_id": record.governorate_id,
    }


class RecordWriter:
    """Collects the records of one import and sends them with COPY every
    ``batch_size`` rows; ``finish()`` sends the rest and writes the history.
    Call inside a transaction: nothing is committed here."""

    def __init__(self, *, batch_id, user, status: str, reason: str, batch_size: int | None = None):
        self.batch_id = uuid.UUID(str(batch_id))
        self.user = user
        self.status = status
        self.reason = reason
        self.batch_size = batch_size or BATCH_SIZE
        self.now = timezone.now()
        self.created = 0
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer)
        self._pending = 0
        self._fixed = {
            "import_batch": str(self.batch_id),
            "status": status,
            "created_at": self.now.isoformat(),
            "updated_at": self.now.isoformat(),
            "visit_id": None,
            "beneficiary_id": None,
        }
        self._reaches: dict[str, int] = {}  # a shared reach's name in the file -> its id

    def add(self, values: dict, *, row: int) -> None:
        """One record: ``values`` as from ``validate.check_row`` (project and
        activity type objects, the day, the counts), from row ``row`` of the
        sheet (unique within the import: a second write of it fails)."""
        row = {
            **self._fixed,
            "import_row": row,
            "project_id": values["project"].pk,
            **_place_ids(values["place"]),
            "activity_type_id": values["activity_type"].pk,
            "delivered_on": values["delivered_on"].isoformat(),
            "units": values["units"],
            "households": values["households"],
            "people": values["people"],
            "household_size": values["household_size"],
            **splits_resolve(values),
            "reach_id": None,
        }
        # A JSON text in COPY's CSV (None: NULL, no crossing recorded).
        row["crossings"] = json.dumps(row["crossings"]) if row["crossings"] else None
        if values.get("reach"):
            # A line of a shared reach: the reach, written once, holds its counts.
            row.update(
                households=0,
                people=0,
                household_size=None,
                **splits_resolve({}),
                crossings=None,
                reach_id=self._reach_id(values),
            )
        # None is written as an empty unquoted field: NULL for COPY's CSV format.
        self._csv.writerow([row[column] for column in _COLUMNS])
        self._pending += 1
        if self._pending >= self.batch_size:
            self.flush()

    def _reach_id(self, values: dict) -> int:
        """The id of the shared reach the row names, written at its first row."""
        key = values["reach"]
        if key not in self._reaches:
            reach = SharedReach(
                households=values["households"],
                people=values["people"],
                household_size=values["household_size"],
            )
            reach.set_splits(values)
            reach._history_user = self.user
            reach._change_reason = self.reason
            reach.save()
            self._reaches[key] = reach.pk
        return self._reaches[key]

    def flush(self) -> None:
        if not self._pending:
            return
        self._buffer.seek(0)
        # Django's error classes (a second write of the batch: IntegrityError).
        with connection.cursor() as cursor, connection.wrap_database_errors:
            cursor.cursor.copy_expert(
                f"COPY {_TABLE} ({_quoted(_COLUMNS)}) FROM STDIN WITH (FORMAT csv)",
                self._buffer,
            )
        self.created += self._pending
        self._pending = 0
        self._buffer.seek(0)
        self._buffer.truncate()

    def finish(self) -> int:
        """Send what is left, write one history row per record; returns the
        number of records created."""
        self.flush()
        _history_insert(
            where="import_batch = %s",
            params=[self.batch_id],
            history_type="+",
            user=self.user,
            reason=self.reason,
            when=self.now,
        )
        return self.created


def _history_insert(*, where: str, params: list, history_type: str, user, reason, when) -> None:
    """One history row per assistance record matching ``where``, as it is now."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_HISTORY_TABLE} ({_quoted(_ALL_COLUMNS)}, history_date, "
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {_quoted(_ALL_COLUMNS)}, %s, %s, %s, %s FROM {_TABLE} WHERE {where}",
            [when, reason, history_type, user.pk if user is not None else None, *params],
        )


# --- A monitor's import, reviewed by a manager ---------------------------------------


@transaction.atomic
def import_approve(*, batch_id, user, reason: str) -> int:
    """Approve, in one action, the submitted records of a monitor's import
    that are in ``user``'s scope (a manager's review of the list); each gets
    a history row naming ``user`` with ``reason``, and the indicators they
    count in are recomputed after commit. Returns the number of records
    approved. Who may call it is decided by the caller
    (``access.import_review_for_user``)."""
    from beneficiaries.access import import_records_to_review

    batch_id = uuid.UUID(str(batch_id))
    records = import_records_to_review(user, batch_id)
    ids = list(records.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    AssistanceRecord.objects.filter(pk__in=ids).update(status=ReviewStatus.APPROVED, updated_at=now)
    _history_insert(
        where="id = ANY(%s)",
        params=[ids],
        history_type="~",
        user=user,
        reason=reason,
        when=now,
    )
    recompute_after_change(scopes=[_scope_of_records(AssistanceRecord.objects.filter(pk__in=ids))])
    from beneficiaries.models import ImportBatch

    ImportBatch.objects.filter(pk=batch_id).update(
        reviewed_by=user, reviewed_at=now, updated_at=now
    )
    return len(ids)


@transaction.atomic
def import_return(*, batch_id, user, reason: str) -> int:
    """Return, in one action, the submitted records of a monitor's import
    that are in ``user``'s scope, with ``reason`` (required): they are marked
    returned, never count in the indicators, and each gets a history row
    naming ``user`` with the reason; the import's page tells its monitor who
    returned it and why, so that they can correct the file and import it
    again. Returns the number of records returned; raises ValidationError
    for an empty reason. Who may call it is decided by the caller."""
    from beneficiaries.access import import_records_to_review
    from beneficiaries.models import ImportBatch

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why the list goes back, so that the monitor can correct it.")}
        )
    batch_id = uuid.UUID(str(batch_id))
    records = import_records_to_review(user, batch_id)
    ids = list(records.select_for_update(of=("self",)).values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    AssistanceRecord.objects.filter(pk__in=ids).update(status=ReviewStatus.RETURNED, updated_at=now)
    _history_insert(
        where="id = ANY(%s)", params=[ids], history_type="~", user=user, reason=reason, when=now
    )
    # The list of returns grows under the row's lock (two managers of
    # different scopes may return parts of one list at the same time).
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is not None:
        batch.returns = [
            *batch.returns,
            {
                "by": user.get_full_name() or user.get_username(),
                "by_id": user.pk,
                "at": now.isoformat(),
                "reason": reason,
                "records": len(ids),
            },
        ]
        ImportBatch.objects.filter(pk=batch_id).update(
            returns=batch.returns, reviewed_by=user, reviewed_at=now, updated_at=now
        )
    return len(ids)


def _scope_of_records(records):
    """What records count in, from their distinct (project, activity type,
    month), without loading every record."""
    keys = list(
        records.annotate(month=TruncMonth("delivered_on"))
        .values_list("project_id", "activity_type_id", "month")
        .distinct()
    )
    projects = Project.objects.in_bulk({key[0] for key in keys})
    return assistance_scope(
        AssistanceRecord(
            project=projects[project_id],
            activity_type_id=activity_id,
            delivered_on=month.date() if isinstance(month, dt.datetime) else month,
        )
        for project_id, activity_id, month in keys
    )
