"""A full run over a value table that holds values writes only those that
changed (``indicators/engine/changes.py``): it mends a wrong, an extra and a
missing value and leaves the others as they were (their time of computation
too); an empty table, or a large difference, takes a new table swapped in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import F

from indicators.engine import changes, recompute_full
from indicators.engine.timings import collect
from indicators.models import HouseholdMultiplier, IndicatorValue
from programmes.models import Project
from tests.factories import (
    ActivityTypeFactory,
    MonitoringVisitFactory,
    ProjectFactory,
    governorate,
)
from tests.indicators.conftest import define, record, table

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _portfolio():
    vt = ActivityTypeFactory(code="vt", name="VT")
    HouseholdMultiplier.objects.create(value=7, effective_from=dt.date(2018, 4, 1))
    define("people-x", source="assistance", measure="people", apply_multiplier=True)
    define("people", source="assistance", measure="people")
    define("hh", source="assistance", measure="households")
    define("vt-people", source="assistance", measure="people", activity_types=[vt])
    define("active", source="assistance", measure="projects", accumulation="periodic")
    define("visits", source="visits", measure="records")
    ninewa = ProjectFactory(governorate=governorate("IQG15"), status=Project.Status.ONGOING)
    kirkuk = ProjectFactory(governorate=governorate("IQG13"), status=Project.Status.COMPLETED)
    record(ninewa, on=dt.date(2018, 1, 5), households=3, people=9)
    record(ninewa, on=dt.date(2018, 2, 5), households=2, people=5, size=4, activity=vt,
           recipients={("f", "18-59", "idp"): 3, ("m", "6-17", "idp"): 1})  # fmt: skip
    record(kirkuk, on=dt.date(2018, 5, 2), households=4, people=4)
    MonitoringVisitFactory(project=kirkuk, visit_date=dt.date(2018, 3, 3), status="approved")
    return ninewa


def _times() -> dict:
    """Each value's (id, time of computation) by its cell."""
    return {
        (v.definition_id, v.period_type, v.period_end, v.governorate_id, v.programme_id,
         v.donor_id): (v.pk, v.computed_at)
        for v in IndicatorValue.objects.all()
    }  # fmt: skip


def _run(connections: str):
    with collect() as timings:
        if connections == "one":
            with transaction.atomic():  # inside a transaction: one connection
                recompute_full()
        else:
            recompute_full()
    return timings.steps


@pytest.mark.parametrize("connections", ["one", "two"])
def test_a_full_run_mends_a_wrong_an_extra_and_a_missing_value_and_leaves_the_rest(
    connections,
):
    _portfolio()
    recompute_full()
    expected, before = table(), _times()
    values = IndicatorValue.objects.order_by("pk")
    wrong, gone, copied = values[0], values[1], values[2]
    IndicatorValue.objects.filter(pk=wrong.pk).update(value=F("value") + 1)
    IndicatorValue.objects.filter(pk=gone.pk).delete()
    copied.pk, copied.period_end = None, dt.date(2031, 1, 31)
    copied.save()  # a value of a month without records
    assert table() != expected

    steps = _run(connections)

    assert table() == expected
    assert "apply" in steps and "index build" not in steps
    after = _times()
    mended = {
        cell for cell, (pk, _at) in before.items() if pk in (wrong.pk, gone.pk)
    }  # rewritten, with this run's time
    assert len(mended) == 2
    for cell in mended:
        assert after[cell][1] > before[cell][1]
    assert {cell: after[cell] for cell in before.keys() - mended} == {
        cell: before[cell] for cell in before.keys() - mended
    }


def test_a_change_of_the_records_is_written_and_nothing_else(monkeypatch):
    # In a portfolio this small, one record changes more than ``LARGE`` of the values.
    monkeypatch.setattr(changes, "LARGE", 1)
    ninewa = _portfolio()
    recompute_full()
    before = _times()
    record(ninewa, on=dt.date(2018, 5, 20), households=1, people=2)
    recompute_full()
    after = _times()
    rewritten = {cell for cell in after if after[cell] != before.get(cell)}
    assert rewritten, "the change was not written"
    # May's months and second quarter, and the running totals from May on.
    assert {cell[2] for cell in rewritten} <= {dt.date(2018, 5, 31), dt.date(2018, 6, 30)}
    reference = table()
    IndicatorValue.objects.all().delete()
    recompute_full()
    assert table() == reference


def test_an_empty_value_table_takes_a_new_table_swapped_in():
    _portfolio()
    steps = _run("two")
    assert "index build" in steps and "difference" not in steps
    reference = table()
    assert reference
    steps = _run("two")
    assert "difference" in steps and "index build" not in steps
    assert table() == reference


@pytest.mark.parametrize("connections", ["one", "two"])
def test_a_large_difference_takes_a_new_table_built_from_the_staged_values(
    monkeypatch, connections
):
    _portfolio()
    recompute_full()
    expected = table()
    IndicatorValue.objects.update(value=F("value") + 1)  # every value wrong
    monkeypatch.setattr(changes, "LARGE", 0.5)
    steps = _run(connections)
    assert "new table from the staged values" in steps and "index build" in steps
    assert "apply" not in steps
    assert table() == expected
