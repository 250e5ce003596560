"""Helpers for the indicator engine tests."""

from __future__ import annotations

import datetime as dt

import pytest

from beneficiaries.models import AssistanceRecord, recipient_field
from indicators.models import SPLIT_FIELDS, IndicatorDefinition, IndicatorValue
from tests.factories import (
    ActivityTypeFactory,
    AssistanceRecordFactory,
    ProjectFactory,
    governorate,
)


def table() -> set[tuple]:
    """The whole value table as comparable tuples (without computed_at)."""
    return set(
        IndicatorValue.objects.values_list(
            "definition__code",
            "period_type",
            "period_start",
            "period_end",
            "governorate_id",
            "programme_id",
            "donor_id",
            "value",
            *SPLIT_FIELDS,
            "multiplier_value",
        )
    )


def value(
    code: str,
    *,
    period_type: str = "cumulative",
    end: dt.date | None = None,
    governorate=None,
    programme=None,
    donor=None,
    split: str = "",
    split_value: str = "",
):
    """One stored value, or one category of its split (None when the cell has none)."""
    qs = IndicatorValue.objects.filter(
        definition__code=code,
        period_type=period_type,
        governorate=governorate,
        programme=programme,
        donor=donor,
    )
    if end is not None:
        qs = qs.filter(period_end=end)
    row = qs.order_by("-period_end").first()
    if row is None:
        return None
    return row.split(split)[split_value] if split else row.value


def define(code: str, **fields) -> IndicatorDefinition:
    """A definition; one with a demo code gets the demo's dashboard places
    (headline card, dashboard role) unless ``fields`` say otherwise."""
    from demo.indicators import DASHBOARD_ROLES, HEADLINES

    fields.setdefault("headline", code in HEADLINES)
    fields.setdefault("dashboard_role", DASHBOARD_ROLES.get(code, ""))
    activity_types = fields.pop("activity_types", [])
    definition = IndicatorDefinition.objects.create(
        code=code, name=code.replace("-", " "), **fields
    )
    definition.activity_types.set(activity_types)
    return definition


def record(
    project,
    *,
    on: dt.date,
    households: int = 1,
    people: int | None = None,
    units: int = 1,
    size: int | None = None,
    status: str = "approved",
    activity=None,
    recipients: dict | None = None,
    splits: dict | None = None,
) -> AssistanceRecord:
    """An assistance record; ``recipients`` maps (sex, age, group) to a count,
    ``splits`` split columns (``sex_f``, ``pop_idp`` ...) to a count."""
    people = households if people is None else people
    rec = AssistanceRecordFactory(
        project=project,
        delivered_on=on,
        households=households,
        people=people,
        units=units,
        household_size=size,
        status=status,
        activity_type=activity or ActivityTypeFactory(),
        **{recipient_field(*cell): count for cell, count in (recipients or {}).items()},
        **(splits or {}),
    )
    return rec


@pytest.fixture
def bsp():
    return ActivityTypeFactory(code="bsp", name="Business support package")


@pytest.fixture
def two_projects(db):
    """Two projects in different governorates, programmes and donors."""
    return (
        ProjectFactory(governorate=governorate("IQG15")),
        ProjectFactory(governorate=governorate("IQG13")),
    )
