"""``make bench --verbose``: a full run reports where its time goes, and a run
measured that way writes the same values as any other."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.engine import recompute_full
from indicators.engine.timings import collect
from tests.factories import ProjectFactory
from tests.indicators.conftest import define, record, table

pytestmark = pytest.mark.django_db


@pytest.fixture
def assistance():
    define("people", source="assistance", measure="people")
    define("projects", source="projects", measure="records")
    project = ProjectFactory()
    record(project, on=dt.date(2018, 2, 15), households=3, people=9)
    record(project, on=dt.date(2018, 5, 1), households=2, people=4)


def test_a_full_run_is_timed_by_step_and_by_plan_node(assistance):
    with collect() as first:
        recompute_full()  # into an empty table: a new one swapped in
    plain = table()
    with collect(explain=True) as timings:
        recompute_full()  # the values that changed written (none)
    assert table() == plain
    for name in ("cube build", "index build", "analyze", "table swap"):
        assert first.steps[name] >= 0
    for name in ("cube build", "difference", "apply"):
        assert timings.steps[name] >= 0
    assert {"definition people (assistance)", "definition projects (projects)"} <= set(
        timings.steps
    )
    assert {"GROUPING SETS", "writes (insert)", "running totals (window)"} <= set(timings.nodes)


def test_nothing_is_collected_unless_asked(assistance):
    with collect() as timings:
        pass
    recompute_full()
    assert timings.steps == {} and timings.nodes == {}
