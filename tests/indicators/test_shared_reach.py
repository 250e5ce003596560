"""A reach shared by several lines counts once: "29 joint and 9 association
businesses reaching 110 households, 660* people" is 110 households for the
programme, and 110 for each of the two activity types, but 38 businesses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from beneficiaries.models import AssistanceRecord, SharedReach
from indicators.engine import Scope, recompute_full, recompute_incremental
from indicators.selectors import FigureQuery, figures
from tests.factories import ActivityTypeFactory, ProjectFactory, governorate
from tests.indicators.conftest import define, record, value

pytestmark = pytest.mark.django_db
ON = dt.date(2018, 5, 14)
MAY = dt.date(2018, 5, 31)


@pytest.fixture
def businesses():
    """A project with 29 joint and 9 association businesses reaching 110
    households together, and a line of its own (5 households) beside them."""
    project = ProjectFactory(governorate=governorate("IQG15"))
    joint = ActivityTypeFactory(code="joint", name="Joint business")
    association = ActivityTypeFactory(code="association", name="Association business")
    reach = SharedReach.objects.create(households=110, people=110, sex_f=40)
    for activity, units in ((joint, 29), (association, 9)):
        AssistanceRecord.objects.create(
            project=project,
            activity_type=activity,
            delivered_on=ON,
            units=units,
            reach=reach,
            status="approved",
        )
    record(project, on=ON, households=5, people=5, units=5, activity=joint)
    define("households", source="assistance", measure="households")
    define("people-x", source="assistance", measure="people", apply_multiplier=True)
    define("people", source="assistance", measure="people")
    define("units", source="assistance", measure="units")
    define("records", source="assistance", measure="records")
    define(
        "association-hh", source="assistance", measure="households", activity_types=[association]
    )
    define("association-units", source="assistance", measure="units", activity_types=[association])
    return project, joint, association, reach


def test_a_programme_total_counts_the_shared_households_once(businesses):
    project, _joint, _association, _reach = businesses
    recompute_full()
    assert value("households") == 115  # 110 + 5, not 225
    assert value("households", programme=project.programme) == 115
    assert value("households", period_type="month") == 115
    assert value("households", period_type="quarter") == 115
    assert value("people-x") == (110 + 5) * 6  # 660* and the line's own 30*
    assert value("people", split="sex", split_value="f") == 40
    assert value("units") == 29 + 9 + 5  # units stay per line
    assert value("records") == 3  # a reach is no record
    # A definition of one activity type: the reach its lines of that type reached.
    assert value("association-hh") == 110
    assert value("association-units") == 9


def test_a_cut_by_one_activity_type_shows_the_shared_households(businesses):
    project, joint, association, _reach = businesses
    recompute_full()
    asked = {
        "all": FigureQuery("households", ON),
        "joint": FigureQuery("households", ON, activity_type=joint.pk),
        "association": FigureQuery("households", ON, activity_type=association.pk),
        "project": FigureQuery("households", ON, project=project.pk),
        "the day before": FigureQuery("households", ON - dt.timedelta(days=1)),
        "joint units": FigureQuery("units", ON, activity_type=joint.pk),
        "association people*": FigureQuery("people-x", ON, activity_type=association.pk),
        # An association definition cut by the joint type: none of the reach
        # (from the month sums, as of the month's end, and from the day's records).
        "association-hh by joint": FigureQuery("association-hh", MAY, activity_type=joint.pk),
        "association-hh by joint, mid-month": FigureQuery(
            "association-hh", ON, activity_type=joint.pk
        ),
        "association-hh by association": FigureQuery(
            "association-hh", MAY, activity_type=association.pk
        ),
    }
    got = figures(asked.values())
    assert {name: got[q].cumulative for name, q in asked.items()} == {
        "all": 115,
        "joint": 115,  # the reach's 110 and the joint line's own 5
        "association": 110,
        "project": 115,
        "the day before": 0,
        "joint units": 34,
        "association people*": 660,
        "association-hh by joint": 0,
        "association-hh by joint, mid-month": 0,
        "association-hh by association": 110,
    }


def test_a_reach_counts_once_its_first_line_is_approved(businesses):
    _project, joint, association, reach = businesses
    reach.lines.filter(activity_type=association).update(status="submitted")
    recompute_full()
    assert value("households") == 115  # the joint line still holds the reach
    assert value("association-hh") is None
    reach.lines.update(status="submitted")
    scope = Scope("assistance", frozenset({ON.replace(day=1)}), frozenset({(None, None, None)}))
    recompute_incremental(scope)
    assert value("households") == 5


def test_the_database_refuses_a_reach_counted_twice_or_split_across_deliveries(businesses):
    project, joint, _association, reach = businesses
    with pytest.raises(IntegrityError), transaction.atomic():
        AssistanceRecord.objects.create(
            project=project, activity_type=joint, delivered_on=ON, units=1,
            households=3, people=3, reach=reach,
        )  # fmt: skip
    with pytest.raises(IntegrityError, match="reach_one_delivery|differ"), transaction.atomic():
        AssistanceRecord.objects.create(
            project=project, activity_type=joint, delivered_on=ON + dt.timedelta(days=1),
            units=1, reach=reach,
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        SharedReach.objects.create(households=10, people=9)
