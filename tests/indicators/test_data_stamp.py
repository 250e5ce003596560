"""The data stamp the dashboards' cache keys on: it changes with every write
to what the dashboards show and with every engine run, not with the records
only the engine reads, and compacting it never brings back an earlier value."""

from __future__ import annotations

import datetime as dt

import pytest

from beneficiaries.models import AssistanceRecord, MonitoringVisit
from indicators.engine import recompute_full
from indicators.models import DataStamp
from indicators.selectors import data_stamp
from indicators.services import data_stamp_compact
from programmes.models import Project
from tests.factories import AssistanceRecordFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_write_to_a_table_the_dashboards_read_changes_it():
    project = ProjectFactory()
    seen = {data_stamp()}
    Project.objects.filter(pk=project.pk).update(status="completed")
    seen.add(data_stamp())
    visit = MonitoringVisit.objects.create(
        project=project, monitor=UserFactory(), visit_date=dt.date(2018, 5, 2)
    )
    seen.add(data_stamp())
    visit.delete()
    seen.add(data_stamp())
    assert len(seen) == 4


def test_records_change_it_only_through_the_engine():
    record = AssistanceRecordFactory()
    stamp = data_stamp()
    AssistanceRecord.objects.filter(pk=record.pk).update(people=5)
    assert data_stamp() == stamp
    recompute_full()
    assert data_stamp() != stamp


def test_imported_records_change_it_at_once():
    """The visit list shows the imports waiting for review (indicators 0015)."""
    import uuid

    record = AssistanceRecordFactory()
    seen = {data_stamp()}
    AssistanceRecord.objects.filter(pk=record.pk).update(import_batch=uuid.uuid4())
    seen.add(data_stamp())
    AssistanceRecord.objects.filter(pk=record.pk).update(status="approved")
    seen.add(data_stamp())
    AssistanceRecord.objects.filter(pk=record.pk).delete()
    seen.add(data_stamp())
    assert len(seen) == 4


def test_compacting_keeps_it_new():
    # Five committed transactions' rows (this test's own transaction wrote
    # none), beside those of the migrations that wrote data (translated names).
    already = DataStamp.objects.count()
    DataStamp.objects.bulk_create(DataStamp(txid=-i, weight=2) for i in range(1, 6))
    before = data_stamp()
    assert data_stamp_compact(above=3) == already + 5
    after = data_stamp()
    assert after != before
    assert DataStamp.objects.count() == 1
    # The weights add up as before; the highest id is new.
    assert after.split(".")[1] == before.split(".")[1]
    assert int(after.split(".")[2]) > int(before.split(".")[2])
    # Below the threshold, nothing is done.
    assert data_stamp_compact(above=3) == 0
    assert data_stamp() == after


def test_a_visit_s_location_and_its_people_s_names_change_it_but_not_a_login():
    """The API's visit list is kept under the stamp: it shows where a visit
    was taken and who made it."""
    from beneficiaries.models import VisitLocation

    project = ProjectFactory()
    monitor = UserFactory()
    visit = MonitoringVisit.objects.create(
        project=project, monitor=monitor, visit_date=dt.date(2018, 5, 2)
    )
    stamp = data_stamp()
    VisitLocation.objects.create(
        visit=visit,
        latitude=35.4,
        longitude=44.4,
        accuracy_m=12,
        captured_at=dt.datetime(2018, 5, 2, 9, tzinfo=dt.UTC),
    )
    assert data_stamp() != stamp
    stamp = data_stamp()
    monitor.first_name = "Layla"
    monitor.save(update_fields=["first_name"])
    assert data_stamp() != stamp
    stamp = data_stamp()
    monitor.last_login = dt.datetime(2018, 5, 3, tzinfo=dt.UTC)
    monitor.save(update_fields=["last_login"])
    assert data_stamp() == stamp


def test_a_transaction_inserts_its_row_once_and_its_stamp_moves_with_each_statement():
    """Every statement used to update the transaction's row: N statements left
    N versions of one row for the next upsert to walk past (N², 3.9 s for
    8,000 statements). The row is now written by the first statement only,
    and the stamp still moves with each one inside the transaction."""
    from django.db import connection

    project = ProjectFactory()
    seen = {data_stamp()}
    for status in ["completed", "active"] * 30:
        Project.objects.filter(pk=project.pk).update(status=status)
        seen.add(data_stamp())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [DataStamp._meta.db_table],
        )
        (updated,) = cursor.fetchone()
    assert len(seen) == 61
    assert updated == 0


@pytest.mark.django_db(transaction=True)
def test_committed_stamps_move_once_per_transaction_and_never_show_the_count():
    """The statements' count is local to the writing transaction: once it
    commits, every reader sees the same stamp, one row more."""
    from django.db import transaction

    project = ProjectFactory()
    before = data_stamp()
    with transaction.atomic():
        for status in ["completed", "active", "completed"]:
            Project.objects.filter(pk=project.pk).update(status=status)
        inside = data_stamp()
    after = data_stamp()
    assert len(inside.split(".")) == 4 and inside.endswith(".3")
    assert len(after.split(".")) == 3
    assert after != before
    assert int(after.split(".")[0]) == int(before.split(".")[0]) + 1
