"""A full run computes a source's definitions in one pass over its facts, and
writes exactly what one statement per definition writes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import connection

from beneficiaries.models import AssistanceRecord
from indicators import engine
from indicators.engine import recompute_full, recompute_incremental
from indicators.engine.timings import collect
from indicators.models import HouseholdMultiplier, IndicatorDefinition, IndicatorValue
from indicators.services import assistance_scope
from programmes.models import Project
from tests.factories import ActivityTypeFactory, ProjectFactory, governorate
from tests.indicators.conftest import define, record, table, value
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def portfolio():
    bsp = ActivityTypeFactory(code="bsp", name="BSP")
    vt = ActivityTypeFactory(code="vt", name="VT")
    HouseholdMultiplier.objects.create(value=7, effective_from=dt.date(2018, 4, 1))
    define("people-x", source="assistance", measure="people", apply_multiplier=True)
    define("people-x5", source="assistance", measure="people", apply_multiplier=True, multiplier=5)
    define("people", source="assistance", measure="people")
    define("hh", source="assistance", measure="households")
    define("bsp-units", source="assistance", measure="units", activity_types=[bsp])
    define("vt-people", source="assistance", measure="people", activity_types=[vt])
    define(
        "ongoing-records",
        source="assistance",
        measure="records",
        project_statuses=[Project.Status.ONGOING],
    )
    define("deliveries", source="assistance", measure="records", accumulation="periodic")
    define("active", source="assistance", measure="projects", accumulation="periodic")
    define("projects", source="projects", measure="records")
    ninewa = ProjectFactory(governorate=governorate("IQG15"), status=Project.Status.ONGOING)
    kirkuk = ProjectFactory(governorate=governorate("IQG13"), status=Project.Status.COMPLETED)
    record(ninewa, on=dt.date(2018, 1, 5), households=3, people=9, units=2, activity=bsp)
    record(ninewa, on=dt.date(2018, 2, 5), households=2, people=5, size=4, activity=vt,
           recipients={("f", "18-59", "idp"): 3, ("m", "6-17", "idp"): 1})  # fmt: skip
    record(kirkuk, on=dt.date(2018, 2, 20), households=1, people=2, activity=vt,
           splits={"sex_f": 2, "sex_m": 0})  # fmt: skip
    record(kirkuk, on=dt.date(2018, 5, 2), households=4, people=4, units=3, activity=bsp)
    record(kirkuk, on=dt.date(2018, 6, 2), households=1, people=1, status="submitted")
    return ninewa, kirkuk


def test_a_source_s_additive_definitions_are_computed_in_one_pass(portfolio):
    with collect() as timings:
        recompute_full()
    # The five that sum the same facts (no filter) share one statement.
    assert "definitions deliveries, hh, people, people-x, people-x5 (assistance, one pass)" in (
        timings.steps
    )
    # A filter of its own, a distinct count and another source: one each.
    assert {
        "definition bsp-units (assistance)",
        "definition vt-people (assistance)",
        "definition ongoing-records (assistance)",
        "definition active (assistance)",
        "definition projects (projects)",
    } <= set(timings.steps)
    assert not any(name.startswith("definition people") for name in timings.steps)


def test_one_pass_writes_what_one_statement_per_definition_writes(portfolio, monkeypatch):
    recompute_full()
    batched = table()
    monkeypatch.setattr(engine, "batched", lambda sqls: ([], list(sqls)))
    recompute_full()
    assert table() == batched
    # And the figures a manager reads: multiplier versions, own multiplier,
    # filters by activity type and by project status, splits.
    assert value("people-x", end=dt.date(2018, 5, 31)) == 3 * 6 + 2 * 4 + 1 * 6 + 4 * 7
    assert value("people-x5", end=dt.date(2018, 5, 31)) == 3 * 5 + 2 * 4 + 1 * 5 + 4 * 5
    assert value("vt-people", period_type="quarter", end=dt.date(2018, 3, 31)) == 7
    assert value("ongoing-records") == 2
    assert value("bsp-units", governorate=governorate("IQG13")) == 3


def test_one_pass_over_several_filters_writes_what_one_statement_each_writes(
    portfolio, monkeypatch
):
    """``write_batch`` also takes definitions of different filters (each sum
    over the facts its filter keeps, a row where it kept one), which
    ``batched`` does not group today: the same table all the same."""
    recompute_full()
    alone = table()

    def one_group(sqls):
        def grouped(sql):
            return sql.d.adds_up_across_periods and sql.d.source == "assistance"

        additive = [sql for sql in sqls if grouped(sql)]
        rest = [sql for sql in sqls if not grouped(sql)]
        return [additive], rest

    monkeypatch.setattr(engine, "batched", one_group)
    with collect() as timings:
        recompute_full()
    assert any("bsp-units" in name and "vt-people" in name for name in timings.steps)
    assert table() == alone
    # And an incremental run of the one statement: its quarter's facts only,
    # for every filter (the same table as a full run after the change).
    pending = AssistanceRecord.objects.select_related("project").get(status="submitted")
    before = assistance_scope([pending])
    pending.status = "approved"
    pending.save()
    # Every definition of the source (not only those the record passes), so
    # that the statement holds several filters.
    scope = before.merge(assistance_scope([pending]))
    recompute_incremental(dataclasses.replace(scope, definition_ids=None))
    incremental = table()
    monkeypatch.undo()
    recompute_full()
    assert table() == incremental


def test_a_full_run_writes_each_definition_s_rows_in_the_unique_index_s_order(portfolio):
    """The index build after the load sorts runs already in order: each
    definition's rows of a period type are in the table, as written, in the
    order of (governorate, programme, donor, period end), "all" (NULL) last
    as the index sorts it; in one pass (``write_batch``) and one statement
    per definition (``write_all_periods_additive``)."""
    recompute_full()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.code, v.period_type, v.governorate_id, v.programme_id, v.donor_id, "
            f"v.period_end FROM {IndicatorValue._meta.db_table} v "
            f"JOIN {IndicatorDefinition._meta.db_table} d ON d.id = v.definition_id "
            f"WHERE d.code <> 'active' ORDER BY v.ctid"
        )
        rows = cursor.fetchall()
    runs: dict[tuple[str, str], list[tuple]] = {}
    for code, period_type, *key in rows:
        runs.setdefault((code, period_type), []).append(tuple(key))

    def index_order(key: tuple) -> tuple:
        return tuple((value is None, value) for value in key)

    assert ("people", "cumulative") in runs and ("bsp-units", "quarter") in runs
    for run, keys in runs.items():
        assert keys == sorted(keys, key=index_order), run
