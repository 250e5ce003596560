"""A full run outside a transaction runs its statements on two connections
(``indicators/engine/parallel.py``): the same table as one connection, and
on a failure of either connection's statement nothing of the old values is
lost and nothing of the new table or the cubes is left."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from indicators import engine
from indicators.engine import changes, parallel, recompute_full
from indicators.engine.timings import collect
from indicators.models import DataStamp, HouseholdMultiplier, IndicatorValue
from programmes.models import Project
from tests.factories import (
    ActivityTypeFactory,
    MonitoringVisitFactory,
    ProjectFactory,
    governorate,
)
from tests.indicators.conftest import define, record, table

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECOND = "[second connection]"


def _portfolio():
    bsp = ActivityTypeFactory(code="bsp", name="BSP")
    vt = ActivityTypeFactory(code="vt", name="VT")
    HouseholdMultiplier.objects.create(value=7, effective_from=dt.date(2018, 4, 1))
    define("people-x", source="assistance", measure="people", apply_multiplier=True)
    define("people", source="assistance", measure="people")
    define("hh", source="assistance", measure="households")
    define("bsp-units", source="assistance", measure="units", activity_types=[bsp])
    define("vt-people", source="assistance", measure="people", activity_types=[vt])
    define("deliveries", source="assistance", measure="records", accumulation="periodic")
    define("active", source="assistance", measure="projects", accumulation="periodic")
    define("projects", source="projects", measure="records")
    define("visits", source="visits", measure="records")
    ninewa = ProjectFactory(governorate=governorate("IQG15"), status=Project.Status.ONGOING)
    kirkuk = ProjectFactory(governorate=governorate("IQG13"), status=Project.Status.COMPLETED)
    record(ninewa, on=dt.date(2018, 1, 5), households=3, people=9, units=2, activity=bsp)
    record(ninewa, on=dt.date(2018, 2, 5), households=2, people=5, size=4, activity=vt,
           recipients={("f", "18-59", "idp"): 3, ("m", "6-17", "idp"): 1})  # fmt: skip
    record(kirkuk, on=dt.date(2018, 2, 20), households=1, people=2, activity=vt,
           splits={"sex_f": 2, "sex_m": 0})  # fmt: skip
    record(kirkuk, on=dt.date(2018, 5, 2), households=4, people=4, units=3, activity=bsp)
    MonitoringVisitFactory(project=kirkuk, visit_date=dt.date(2018, 3, 3), status="approved")
    return ninewa, kirkuk


def _left_behind() -> list[str]:
    """Tables a failed run could leave: the new value table and the cubes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || tablename FROM pg_tables "
            "WHERE tablename = 'indicators_indicatorvalue_new' OR schemaname = %s",
            [parallel.SCHEMA],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _stamp():
    return list(DataStamp.objects.order_by("txid").values_list("txid", "weight"))


def test_two_connections_write_the_table_one_connection_writes():
    _portfolio()
    with transaction.atomic():  # inside a transaction: one connection
        with collect() as one:
            written_by_one = recompute_full()
    alone = table()
    assert not [name for name in one.steps if SECOND in name]
    IndicatorValue.objects.all().delete()
    with collect() as two:
        written = recompute_full()
    assert [name for name in two.steps if SECOND in name], "the second connection ran nothing"
    assert [name for name in two.steps if name.startswith("defin") and SECOND not in name]
    assert table() == alone
    assert written == written_by_one == IndicatorValue.objects.count()
    assert _left_behind() == []


@pytest.mark.parametrize("failing", ["second", "main"])
def test_a_failed_statement_leaves_the_old_values_and_no_half_built_table(monkeypatch, failing):
    ninewa, _kirkuk = _portfolio()
    recompute_full()
    before, stamp = table(), _stamp()
    record(ninewa, on=dt.date(2018, 3, 1), households=5, people=5)  # a change not yet counted
    real = engine._write_all_periods_additive
    ran = {"main": 0, "second": 0}
    # Each connection's first such statement waits for the other's, so that
    # both take one whatever the machine's load (a sleep on one side let the
    # second connection take them all before the main one took any).
    both_started = threading.Barrier(2, timeout=30)

    def fails_on_one_connection(cursor, *args, **kwargs):
        # Django's cursor is the main connection's; the second's is psycopg2's own.
        which = "main" if hasattr(cursor, "db") else "second"
        ran[which] += 1
        if ran[which] == 1:
            both_started.wait()
        real(cursor, *args, **kwargs)
        if which == failing:
            raise RuntimeError(f"the {which} connection's statement failed")

    monkeypatch.setattr(engine, "_write_all_periods_additive", fails_on_one_connection)
    with pytest.raises(RuntimeError, match=f"the {failing} connection"), collect() as timings:
        recompute_full()
    assert ran[failing] >= 1
    assert [name for name in timings.steps if SECOND in name], "the second connection ran nothing"
    assert table() == before
    assert _stamp() == stamp
    assert _left_behind() == []
    monkeypatch.setattr(engine, "_write_all_periods_additive", real)
    recompute_full()  # the lock is free, and a rerun counts the change
    assert table() != before
    assert _left_behind() == []


@pytest.mark.parametrize("values", ["held", "none"])
def test_a_failure_after_the_second_connection_committed_drops_its_rows(monkeypatch, values):
    _portfolio()
    recompute_full()
    if values == "none":  # the run then swaps a new table in, else writes what changed
        IndicatorValue.objects.all().delete()
    before = table()

    def fails(cursor, *args):
        with connection.cursor() as other:
            # The second connection's rows are committed in the new table by now.
            other.execute("SELECT count(*) FROM indicators_indicatorvalue_new")
            assert other.fetchone()[0] > 0
        raise RuntimeError("index build failed")

    if values == "none":
        monkeypatch.setattr(engine, "swap_in", fails)
    else:
        monkeypatch.setattr(changes, "apply", fails)
    with pytest.raises(RuntimeError, match="index build failed"), collect() as timings:
        recompute_full()
    assert [name for name in timings.steps if SECOND in name]
    assert table() == before
    assert _left_behind() == []


def test_without_a_second_connection_the_run_stays_on_one(monkeypatch):
    import psycopg2

    _portfolio()
    recompute_full()
    expected = table()
    IndicatorValue.objects.all().delete()

    def refused(self):
        raise psycopg2.OperationalError("too many clients already")

    monkeypatch.setattr(parallel.Second, "__init__", refused)
    with collect() as timings:
        recompute_full()
    assert not [name for name in timings.steps if SECOND in name]
    assert table() == expected
    assert _left_behind() == []
