"""Incremental runs move the running totals after the change by its
difference (``indicators/engine/running.py``) instead of summing them again:
each case below forbids summing them again, and compares the table with a
full run's (a difference applied twice, to the wrong cut, or a total that
should appear or vanish would show)."""

from __future__ import annotations

import datetime as dt

import pytest

import indicators.engine as engine
from indicators.engine import recompute_full, recompute_incremental, running
from indicators.services import assistance_scope
from tests.factories import ActivityTypeFactory
from tests.indicators.conftest import define, record, table, value

JAN, MAR, AUG, DEC = (dt.date(2018, m, d) for m, d in ((1, 31), (3, 31), (8, 31), (12, 31)))


def _no_resum(*args, **kwargs):
    raise AssertionError("the running totals were summed again from their month values")


@pytest.fixture
def no_resum(monkeypatch):
    monkeypatch.setattr(engine, "cumulative_rewrite", _no_resum)
    monkeypatch.setattr(running, "cumulative_rewrite", _no_resum)


@pytest.fixture
def definitions(db):
    """Two definitions sharing their facts (one pass, ``batch.py``), one of
    them with splits, and one of its own filter (alone)."""
    bsp = ActivityTypeFactory(code="bsp", name="BSP")
    define("hh", source="assistance", measure="households")
    define("people", source="assistance", measure="people")
    define("bsp-units", source="assistance", measure="units", activity_types=[bsp])
    return bsp


def _same_as_full():
    incremental = table()
    recompute_full()
    assert table() == incremental


def _later(project, bsp):
    """Records after the change's quarter, in the project's cut: their running
    totals are the ones moved."""
    record(project, on=dt.date(2018, 8, 3), households=2, people=4, activity=bsp)
    record(project, on=dt.date(2018, 12, 3), households=1, people=3, activity=bsp)


def test_an_old_record_approved_moves_the_later_totals_once(two_projects, definitions, no_resum):
    ninewa, _kirkuk = two_projects
    record(ninewa, on=dt.date(2018, 1, 3), households=1, people=2, activity=definitions)
    _later(ninewa, definitions)
    pending = record(
        ninewa,
        on=dt.date(2018, 2, 3),
        households=3,
        people=5,
        status="submitted",
        activity=definitions,
        recipients={("f", "18-59", "idp"): 2},
    )
    recompute_full()
    pending.status = "approved"
    pending.save()
    scope = assistance_scope([pending])
    recompute_incremental(scope)
    assert value("hh", end=DEC, governorate=ninewa.governorate) == 1 + 3 + 2 + 1
    assert value("people", end=AUG, split="sex", split_value="f") == 2
    # Run again (the queue may deliver a change twice): nothing moves twice.
    recompute_incremental(scope)
    assert value("hh", end=DEC, governorate=ninewa.governorate) == 7
    _same_as_full()


def test_a_record_moved_to_a_governorate_without_values_before(two_projects, definitions, no_resum):
    """Its old cut loses it, its new cut gains a running total in its month
    (none before) and keeps none in the months where it has no value."""
    ninewa, kirkuk = two_projects
    moved = record(ninewa, on=dt.date(2018, 2, 3), households=3, people=5, activity=definitions)
    record(ninewa, on=dt.date(2018, 1, 3), households=1, people=1, activity=definitions)
    _later(ninewa, definitions)
    record(kirkuk, on=dt.date(2018, 12, 3), households=4, people=4, activity=definitions)
    recompute_full()
    before = assistance_scope([moved])
    moved.project = kirkuk
    moved.save()
    recompute_incremental(before.merge(assistance_scope([moved])))
    assert value("hh", end=DEC, governorate=ninewa.governorate) == 1 + 3
    assert value("hh", end=DEC, governorate=kirkuk.governorate) == 7
    assert value("hh", end=MAR, governorate=kirkuk.governorate) is None
    assert value("hh", end=dt.date(2018, 2, 28), governorate=kirkuk.governorate) == 3
    assert value("hh", end=DEC, governorate=kirkuk.governorate, programme=kirkuk.programme) == 7
    assert value("hh", end=DEC) == 11
    _same_as_full()


def test_a_record_moved_to_another_month_of_its_quarter(two_projects, definitions, no_resum):
    ninewa, _kirkuk = two_projects
    moved = record(ninewa, on=dt.date(2018, 1, 3), households=3, people=5, activity=definitions)
    _later(ninewa, definitions)
    recompute_full()
    before = assistance_scope([moved])
    moved.delivered_on = dt.date(2018, 3, 3)
    moved.save()
    recompute_incremental(before.merge(assistance_scope([moved])))
    # January's running total vanishes with January's value.
    assert value("hh", end=JAN) is None
    assert value("hh", end=MAR) == 3
    assert value("hh", end=DEC) == 6
    _same_as_full()


def test_a_deleted_record_whose_cut_keeps_later_values(two_projects, definitions, monkeypatch):
    """The cut has no running total left as of the change's quarter: the
    later totals lose its value; a split that had a number and has none
    cannot be moved (NULL or 0?), so those totals are summed again."""
    ninewa, kirkuk = two_projects
    gone = record(kirkuk, on=dt.date(2018, 2, 3), households=3, people=5, activity=definitions)
    record(kirkuk, on=dt.date(2018, 12, 3), households=4, people=4, activity=definitions)
    _later(ninewa, definitions)
    recompute_full()
    scope = assistance_scope([gone])
    gone.delete()
    recompute_incremental(scope)
    assert value("hh", end=MAR, governorate=kirkuk.governorate) is None
    assert value("hh", end=DEC, governorate=kirkuk.governorate) == 4
    assert value("hh", end=DEC) == 7
    _same_as_full()


def test_a_deleted_record_without_splits_is_moved(two_projects, db, no_resum):
    ninewa, kirkuk = two_projects
    define("hh", source="assistance", measure="households")
    define("units", source="assistance", measure="units")
    gone = record(kirkuk, on=dt.date(2018, 2, 3), households=3)
    record(kirkuk, on=dt.date(2018, 12, 3), households=4)
    record(ninewa, on=dt.date(2018, 8, 3), households=2)
    recompute_full()
    scope = assistance_scope([gone])
    gone.delete()
    recompute_incremental(scope)
    assert value("hh", end=MAR, governorate=kirkuk.governorate) is None
    assert value("hh", end=DEC, governorate=kirkuk.governorate) == 4
    assert value("units", end=DEC) == 2
    _same_as_full()


def test_the_rewritten_months_add_up_from_the_total_before(two_projects, definitions, no_resum):
    """The months the run rewrites hold the total before them plus their own
    values so far (a split with no number so far takes the month's), and
    only the changed record's cuts move: the other governorate's do not."""
    ninewa, kirkuk = two_projects
    bsp = definitions
    record(ninewa, on=dt.date(2017, 11, 3), households=5, people=5, activity=bsp)
    record(ninewa, on=dt.date(2018, 1, 3), households=1, people=1, activity=bsp)
    record(
        ninewa,
        on=dt.date(2018, 3, 3),
        households=2,
        people=2,
        activity=bsp,
        recipients={("m", "18-59", "idp"): 1},
    )
    _later(ninewa, definitions)
    record(kirkuk, on=dt.date(2018, 12, 3), households=4, people=4, activity=bsp)
    pending = record(
        ninewa,
        on=dt.date(2018, 2, 3),
        households=3,
        people=3,
        status="submitted",
        activity=bsp,
        recipients={("f", "18-59", "idp"): 2},
    )
    recompute_full()
    pending.status = "approved"
    pending.save()
    recompute_incremental(assistance_scope([pending]))
    g = ninewa.governorate
    assert value("hh", end=JAN, governorate=g) == 5 + 1
    assert value("hh", end=dt.date(2018, 2, 28), governorate=g) == 5 + 1 + 3
    assert value("hh", end=MAR, governorate=g) == 5 + 1 + 3 + 2
    assert value("people", end=dt.date(2018, 2, 28), split="sex", split_value="f") == 2
    assert value("people", end=MAR, split="sex", split_value="f") == 2
    assert value("people", end=MAR, split="sex", split_value="m") == 1
    assert value("bsp-units", end=DEC, governorate=g) == 6
    assert value("hh", end=DEC, governorate=kirkuk.governorate) == 4
    assert value("hh", end=DEC) == 5 + 1 + 3 + 2 + 2 + 1 + 4
    _same_as_full()


def test_the_value_table_keeps_room_for_updates_across_full_runs(db):
    """The fillfactor that lets an incremental run update the later running
    totals in place (HOT) is the value table's storage option: a full run,
    which swaps in a new table, gives it back after its load."""
    from django.db import connection

    define("hh", source="assistance", measure="households")
    for _ in range(2):
        recompute_full()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE oid = 'indicators_indicatorvalue'::regclass"
        )
        assert cursor.fetchone()[0] == ["fillfactor=50"]


def test_an_incremental_run_reads_its_definitions_in_one_query(
    two_projects, definitions, django_assert_num_queries
):
    """The definitions and their filters' ids in one query (a prefetch was
    four), the same filters as the relations give."""
    from indicators.engine.facts import DefinitionSQL, Scope
    from indicators.models import IndicatorDefinition

    ninewa, kirkuk = two_projects
    filtered = define("filtered", source="assistance", measure="units")
    filtered.programmes.set([kirkuk.programme, ninewa.programme])
    filtered.sectors.set([ninewa.sector])
    scope = Scope("assistance", frozenset(), frozenset())
    with django_assert_num_queries(1):
        read = [DefinitionSQL(d, None, None) for d in engine.definitions_for(scope)]
    related = IndicatorDefinition.objects.prefetch_related(
        "activity_types", "sectors", "programmes"
    )
    assert {sql.d.code: (sql.activity_types, sql.sectors, sql.programmes) for sql in read} == {
        d.code: tuple(
            sorted(o.pk for o in relation.all())
            for relation in (d.activity_types, d.sectors, d.programmes)
        )
        for d in related
    }
    assert [sql.activity_types for sql in read if sql.d.code == "bsp-units"] == [[definitions.pk]]
    assert [len(sql.programmes) for sql in read if sql.d.code == "filtered"] == [2]
