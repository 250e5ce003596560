"""The bench's full-run figures (``demo.bench_full``) on a small portfolio:
the day of field work before each timed run changes the records it chose and
leaves them as they were, and the cold runs start from an empty value table."""

from __future__ import annotations

import datetime as dt

from demo.bench_full import cold_runs, field_day_records, full_runs
from indicators import engine
from indicators.engine import recompute_full
from indicators.engine.timings import collect
from indicators.models import IndicatorValue
from tests.factories import ProjectFactory
from tests.indicators.conftest import define, record, table


def _records():
    define("people", source="assistance", measure="people")
    project = ProjectFactory()
    old = record(project, on=dt.date(2018, 1, 5), households=1, people=3)
    recent = [record(project, on=dt.date(2018, 6, day), households=1, people=3) for day in (1, 2)]
    return old, recent


def _people():
    from beneficiaries.models import AssistanceRecord

    return dict(AssistanceRecord.objects.values_list("pk", "people"))


def test_a_field_day_changes_recent_approved_records_only(db):
    old, recent = _records()
    chosen = field_day_records(400)  # 0.5%: two records
    assert sorted(chosen) == sorted(r.pk for r in recent)
    assert old.pk not in field_day_records(10_000)


def test_the_timed_runs_follow_a_field_day_each_and_leave_the_records_as_they_were(db, monkeypatch):
    _old, recent = _records()
    recompute_full()
    people, values = _people(), table()
    seen = []

    def full_run(**kwargs):
        seen.append(sum(_people()[r.pk] for r in recent))
        return recompute_full(**kwargs)

    monkeypatch.setattr(engine, "recompute_full", full_run)
    figures = full_runs(3, None, records=400)
    assert seen == [8, 6, 8, 6]  # the warm-up and three timed runs, each after a change
    assert figures["field_day_records"] == 2
    assert figures["values_written"] == IndicatorValue.objects.count()
    assert figures["full_recompute_s"] > 0
    assert _people() == people
    assert table() == values


def test_cold_runs_start_from_an_empty_value_table(db):
    _records()
    recompute_full()
    values = table()
    with collect() as timings:
        figures = cold_runs(2, lambda: 0.0)
    assert set(figures) == {"full_recompute_cold_s", "full_recompute_cold_cpu_s"}
    assert "index build" in timings.steps and "difference" not in timings.steps
    assert table() == values
