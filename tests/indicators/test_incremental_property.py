"""Property: after any sequence of edits, each followed by its incremental
recomputation, the value table is exactly what a full recomputation gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beneficiaries.models import AssistanceRecord, SharedReach, recipient_field
from beneficiaries.models_splits import splits_resolve
from indicators.engine import add_months, recompute_full, recompute_incremental, writes
from indicators.services import assistance_scope
from programmes.models import SubDistrict
from programmes.models_coverage import ProjectPlace
from tests.factories import ActivityTypeFactory, ProjectFactory, district, governorate
from tests.indicators.conftest import define, table

START = dt.date(2017, 1, 1)
CELLS = [
    ("f", "18-59", "idp"),
    ("m", "0-5", "returnee"),
    ("f", "60+", "host"),
    ("m", "6-17", "refugee"),
]

records_strategy = st.lists(
    st.fixed_dictionaries(
        {
            # 3: the project covering Kirkuk and Mosul district; its record
            # in one of them (``place``).
            "project": st.integers(0, 3),
            "place": st.integers(0, 1),
            "activity": st.integers(0, 1),
            "month": st.integers(0, 17),
            "households": st.integers(0, 6),
            "extra_people": st.integers(0, 4),
            "size": st.one_of(st.none(), st.integers(1, 15)),
            "status": st.sampled_from(
                ["approved", "approved", "approved", "submitted", "draft", "returned"]
            ),
            "recipients": st.lists(st.integers(0, 3), min_size=4, max_size=4),
        }
    ),
    min_size=1,
    max_size=12,
)
edits_strategy = st.lists(
    st.tuples(
        st.integers(0, 11),
        st.sampled_from(["status", "households", "month", "project", "activity", "delete"]),
        st.integers(0, 17),
    ),
    min_size=1,
    max_size=6,
)
# Edits of the two lines of a shared reach (status, activity type) and of the
# reach's households: the reach counts once while one of its lines is approved.
shared_edits_strategy = st.lists(
    st.tuples(
        st.integers(0, 1), st.sampled_from(["status", "activity", "reach"]), st.integers(0, 9)
    ),
    max_size=4,
)


class Rollback(Exception):
    pass


@pytest.fixture
def reference(db):
    """The projects, places, activity types and definitions every example
    shares (``_reference()``), created once in the test's transaction: each
    example's records and edits, rolled back after it, are what differs."""
    return _reference()


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(initial=records_strategy, edits=edits_strategy, shared_edits=shared_edits_strategy)
def test_incremental_equals_full(reference, initial, edits, shared_edits):
    try:
        with transaction.atomic():
            _check(initial, edits, shared_edits, reference=reference)
            raise Rollback
    except Rollback:
        pass


def _record(project, month, status="approved", **spec):
    return {
        "project": project,
        "place": spec.get("place", 0),
        "activity": spec.get("activity", 0),
        "month": month,
        "households": spec.get("households", 3),
        "extra_people": 2,
        "size": spec.get("size"),
        "status": status,
        "recipients": [1, 2, 0, 1],
    }


@pytest.mark.django_db
def test_incremental_equals_full_when_the_cells_are_many(monkeypatch):
    """An incremental run touching more cells than ``INDEXED_CELLS`` (a bulk
    import) matches them by a join instead of index conditions: the same
    table as a full run. (The property above touches a few cells at a time.)"""
    monkeypatch.setattr(writes, "INDEXED_CELLS", 0)
    initial = [
        _record(0, 1),
        _record(1, 1, activity=1, size=4),
        _record(2, 4, status="submitted"),
        _record(3, 2, place=1),
        _record(3, 5, place=0, households=5),
        _record(0, 7, status="returned"),
    ]
    edits = [(2, "status", 0), (0, "month", 9), (3, "project", 0), (1, "households", 1)]
    _check(initial, edits, [(0, "status", 0), (1, "reach", 4)])


def _reference() -> tuple[list, list, list]:
    """Four projects (the fourth covering Kirkuk and Mosul district), the
    places of the multi-place project's records, two activity types, and the
    definitions of the assistance records' measures."""
    projects = [
        ProjectFactory(governorate=governorate("IQG15")),
        ProjectFactory(governorate=governorate("IQG13")),
        ProjectFactory(governorate=governorate("IQG13")),
        ProjectFactory(governorate=None),
    ]
    ProjectPlace.objects.create(project=projects[3], governorate=governorate("IQG13"))
    ProjectPlace.objects.create(
        project=projects[3], governorate=governorate("IQG15"), district=district("IQG15Q05")
    )
    # The places of the multi-place project's records: all of Kirkuk, or a
    # sub-district of Mosul (Ninewa).
    places = [governorate("IQG13"), SubDistrict.objects.get(pcode="IQG15Q05N01")]
    activities = [
        ActivityTypeFactory(code="bsp", name="BSP"),
        ActivityTypeFactory(code="vt", name="VT"),
    ]
    define("people-x", source="assistance", measure="people", apply_multiplier=True)
    define("people", source="assistance", measure="people")
    define("bsp-units", source="assistance", measure="units", activity_types=[activities[0]])
    define("records-monthly", source="assistance", measure="records", accumulation="periodic")
    define("active-projects", source="assistance", measure="projects", accumulation="periodic")
    define("households", source="assistance", measure="households")
    define(
        "bsp-households", source="assistance", measure="households", activity_types=[activities[0]]
    )
    return projects, places, activities


def _check(initial, edits, shared_edits=(), reference=None):
    projects, places, activities = reference or _reference()
    reach = SharedReach.objects.create(households=5, people=6, sex_f=2)
    shared = [
        AssistanceRecord.objects.create(
            project=projects[0],
            activity_type=activities[index],
            delivered_on=add_months(START, 2) + dt.timedelta(days=5),
            units=3,
            reach=reach,
            status="approved",
        )
        for index in (0, 1)
    ]
    records = []
    for spec in initial:
        people_split = spec["recipients"]
        people = max(spec["households"], sum(people_split) + spec["extra_people"])
        where = AssistanceRecord()
        if spec["project"] == 3:
            where.place_set(places[spec["place"]])
        record = AssistanceRecord.objects.create(
            subdistrict_id=where.subdistrict_id,
            district_id=where.district_id,
            governorate_id=where.governorate_id,
            project=projects[spec["project"]],
            activity_type=activities[spec["activity"]],
            delivered_on=add_months(START, spec["month"]) + dt.timedelta(days=3),
            units=spec["households"] + 1,
            households=spec["households"],
            people=people,
            household_size=spec["size"],
            status=spec["status"],
            **splits_resolve(
                {recipient_field(*cell): c for cell, c in zip(CELLS, people_split, strict=True)}
            ),
        )
        records.append(record)
    recompute_full()
    for index, field, number in edits:
        record = records[index % len(records)]
        if record.pk is None:
            continue
        before = assistance_scope(
            [AssistanceRecord.objects.select_related("project").get(pk=record.pk)]
        )
        if field == "delete":
            record.delete()
            record.pk = None
            after = None
        else:
            if field == "status":
                record.status = "approved" if record.status != "approved" else "returned"
            elif field == "households":
                record.households = min(number % 7, record.people)
            elif field == "month":
                record.delivered_on = add_months(START, number) + dt.timedelta(days=9)
            elif field == "project" and record.project == projects[3]:
                # Its record moves between the places it covers.
                record.place_set(places[number % 2])
            elif field == "project":
                record.project = projects[number % 3]
            elif field == "activity":
                record.activity_type = activities[number % 2]
            record.save()
            after = assistance_scope(
                [AssistanceRecord.objects.select_related("project").get(pk=record.pk)]
            )
        recompute_incremental(before.merge(after) if after else before)

    # A change to a reach recomputes what every line of it counts in.
    def reach_scope():
        return assistance_scope(
            AssistanceRecord.objects.select_related("project").filter(reach=reach)
        )

    for index, field, number in shared_edits:
        line = shared[index]
        before = reach_scope()
        if field == "status":
            line.status = "approved" if line.status != "approved" else "submitted"
            line.save()
        elif field == "activity":
            line.activity_type = activities[number % 2]
            line.save()
        else:
            reach.households = number % 7
            reach.save()
        recompute_incremental(before.merge(reach_scope()))
    incremental = table()
    recompute_full()
    assert table() == incremental
