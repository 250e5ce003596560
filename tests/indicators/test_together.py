"""Several small tables in one statement: the instances are those the ORM
reads, in the same order, with the same values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.models import model_to_dict

from indicators.models import IndicatorDefinition
from indicators.selectors.together import instances_together
from programmes.models import Donor, Governorate, Programme
from tests.factories import DonorFactory, ProgrammeFactory
from tests.indicators.conftest import define

pytestmark = pytest.mark.django_db


def test_the_instances_equal_the_orms_in_one_query(django_assert_num_queries):
    for name in ("Sweden", "canada", "USA", "Ålands"):
        DonorFactory(name=name, code=name[:3].upper())
    ProgrammeFactory(code="RRP", start_date=dt.date(2019, 1, 1), end_date=None)
    ProgrammeFactory(code="CRP", start_date=dt.date(2018, 1, 1), end_date=dt.date(2020, 6, 30))
    define("projects", source="projects", measure="records", project_statuses=["completed"])
    querysets = {
        "donors": Donor.objects.order_by("name"),
        "programmes": Programme.objects.filter(code__in=["CRP", "RRP"]).order_by("code"),
        "governorates": Governorate.objects.defer("boundary", "aliases").order_by("name_iom"),
        "definitions": IndicatorDefinition.objects.order_by("code"),
        "nothing": Programme.objects.none(),
    }
    with django_assert_num_queries(1):
        found = instances_together(querysets)
    # Deferred as asked: the boundary is read only if asked for.
    assert found["governorates"][0].get_deferred_fields() == {"boundary", "aliases"}
    for name, queryset in querysets.items():
        expected = list(queryset)
        assert [type(o) for o in found[name]] == [type(o) for o in expected], name
        assert [model_to_dict(o) for o in found[name]] == [model_to_dict(o) for o in expected]
    assert found["nothing"] == []
    assert found["programmes"][0].start_date == dt.date(2018, 1, 1)
    assert found["definitions"][0].project_statuses == ["completed"]
