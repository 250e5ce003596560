"""``figures()`` reads only what its figures need: a district's figure (a
live reference in a snapshot) sums its projects' records, not every record
of the mission, and still equals the plain sums."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from indicators.engine import recompute_full
from indicators.selectors import FigureQuery, figures
from tests.factories import ActivityTypeFactory, ProjectFactory, district, governorate
from tests.indicators.conftest import define, record

AS_OF = dt.date(2018, 3, 20)  # mid-month: the records of March are read at read time


def _cubed() -> set[tuple[int, int]]:
    """(project, activity type) of every row of the assistance cube
    ``figures()`` built (a temporary table that lives until the test's
    transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT project_id, activity_type_id FROM _iomdash_cube_assistance")
        return set(cursor.fetchall())


@pytest.fixture
def mission(db):
    """Projects in Al-Mosul, in Al-Hawiga and in Baghdad; BSP and VT records
    in each, and cash for work in Baghdad."""
    mosul = ProjectFactory(governorate=governorate("IQG15"), district=district("IQG15Q05"))
    hawija = ProjectFactory(governorate=governorate("IQG13"), district=district("IQG13Q01"))
    baghdad = ProjectFactory(governorate=governorate("IQG08"))
    bsp = ActivityTypeFactory(code="bsp", name="BSP")
    vt = ActivityTypeFactory(code="vt", name="VT")
    for n, project in enumerate((mosul, hawija, baghdad)):
        for kind in (bsp, vt):
            record(project, on=dt.date(2017, 5, 3), people=10 + n, activity=kind)
            record(project, on=dt.date(2018, 3, 2), people=100 + n, activity=kind)
            record(project, on=dt.date(2018, 3, 25), people=1000, activity=kind)  # after AS_OF
    record(baghdad, on=dt.date(2017, 5, 3), people=5, activity=ActivityTypeFactory(code="cfw"))
    define("people", source="assistance", measure="people")
    define("bsp-people", source="assistance", measure="people", activity_types=[bsp])
    recompute_full()
    return mosul, hawija, baghdad, bsp, vt


@pytest.mark.django_db
def test_a_district_figure_reads_only_its_projects_records(mission):
    mosul, _hawija, _baghdad, bsp, vt = mission
    everyone = FigureQuery("people", AS_OF, period_start=dt.date(2018, 1, 1))
    in_mosul = FigureQuery("people", AS_OF, district="IQG15Q05")
    answers = figures([everyone, in_mosul])
    assert answers[in_mosul].cumulative == (10 + 100) * 2
    # The whole mission's figure comes from the value table: no cube for it.
    assert answers[everyone].cumulative == (10 + 11 + 12 + 100 + 101 + 102) * 2 + 5
    assert answers[everyone].period == (100 + 101 + 102) * 2
    assert _cubed() == {(mosul.pk, bsp.pk), (mosul.pk, vt.pk)}


@pytest.mark.django_db
def test_an_activity_figure_reads_only_its_activity_types(mission):
    mosul, hawija, _baghdad, bsp, _vt = mission
    in_mosul = FigureQuery("bsp-people", AS_OF, district="IQG15Q05")
    in_hawija = FigureQuery("people", AS_OF, district="IQG13Q01", activity_type=bsp.pk)
    answers = figures([in_mosul, in_hawija])
    assert answers[in_mosul].cumulative == 10 + 100
    assert answers[in_hawija].cumulative == 11 + 101
    assert _cubed() == {(mosul.pk, bsp.pk), (hawija.pk, bsp.pk)}


@pytest.mark.django_db
def test_a_figure_of_every_project_reads_every_project(mission):
    mosul, hawija, baghdad, bsp, vt = mission
    by_type = FigureQuery("people", AS_OF, activity_type=vt.pk)
    in_mosul = FigureQuery("bsp-people", AS_OF, district="IQG15Q05")
    answers = figures([by_type, in_mosul])
    assert answers[by_type].cumulative == 10 + 11 + 12 + 100 + 101 + 102
    assert answers[in_mosul].cumulative == 10 + 100
    assert _cubed() == {(p.pk, kind.pk) for p in (mosul, hawija, baghdad) for kind in (bsp, vt)}
