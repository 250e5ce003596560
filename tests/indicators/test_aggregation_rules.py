"""Every measure adds up across cuts, and across periods as its definition declares."""

import datetime as dt

import pytest
from django.db.models import Sum

from indicators.engine import recompute_full
from indicators.models import IndicatorDefinition, IndicatorValue
from tests.factories import ProjectFactory, governorate
from tests.indicators.conftest import define, record
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db

MEASURES = [
    ("records", False, "cumulative"),
    ("units", False, "cumulative"),
    ("households", False, "cumulative"),
    ("people", False, "cumulative"),
    ("people", True, "cumulative"),
    ("projects", False, "periodic"),
]


@shared_for_module
def data():
    projects = [ProjectFactory(governorate=governorate(p)) for p in ("IQG13", "IQG13", "IQG15")]
    for index, project in enumerate(projects):
        for month in (1, 2, 2, 5):
            record(
                project,
                on=dt.date(2018, month, 3 + index),
                households=index + 1,
                people=index + 2,
                units=month,
                size=4 if month == 5 else None,
            )
    return projects


@pytest.mark.parametrize(("measure", "multiply", "accumulation"), MEASURES)
def test_declared_rules_hold(data, measure, multiply, accumulation):
    definition = define(
        "d",
        source="assistance",
        measure=measure,
        apply_multiplier=multiply,
        accumulation=accumulation,
    )
    recompute_full()
    values = IndicatorValue.objects.filter(definition=definition)
    quarter = values.filter(period_type="quarter", period_end=dt.date(2018, 3, 31))
    total = quarter.get(governorate=None, programme=None, donor=None).value
    # Every measure adds up across each cut, distinct projects included: a
    # record belongs to one project, and a project to one governorate,
    # programme and funding donor.
    for cut in ("governorate", "programme", "donor"):
        others = {other: None for other in ("governorate", "programme", "donor") if other != cut}
        cells = quarter.filter(**{f"{cut}__isnull": False}, **others)
        assert cells.count() > 1, cut  # the data spreads over several of each
        assert cells.aggregate(s=Sum("value"))["s"] == total, cut
    months = values.filter(
        period_type="month",
        governorate=None,
        programme=None,
        donor=None,
        period_end__lte=dt.date(2018, 3, 31),
    ).aggregate(s=Sum("value"))["s"]
    assert (months == total) is definition.adds_up_across_periods
    if definition.is_cumulative:
        running = values.get(
            period_type="cumulative",
            period_end=dt.date(2018, 5, 31),
            governorate=None,
            programme=None,
            donor=None,
        ).value
        every_month = values.filter(
            period_type="month", governorate=None, programme=None, donor=None
        ).aggregate(s=Sum("value"))["s"]
        assert running == every_month


def test_distinct_projects_cannot_be_a_running_total():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorDefinition.objects.create(
            code="p", name="p", source="assistance", measure="projects", accumulation="cumulative"
        )
