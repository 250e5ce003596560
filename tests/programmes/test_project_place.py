"""A project's place: a district of its governorate, the governorate taken from
the district, and the free text of old projects mapped to districts."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import Project
from tests.factories import (
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    SectorFactory,
    district,
    governorate,
)

pytestmark = pytest.mark.django_db


def unsaved(**place):
    return Project(
        code="P-1",
        name="Rehabilitation of water network",
        programme=ProgrammeFactory(),
        sector=SectorFactory(),
        donor=DonorFactory(),
        start_date=dt.date(2017, 3, 1),
        budget_usd=1000,
        **place,
    )


def test_the_governorate_is_taken_from_the_district():
    project = unsaved(district=district("IQG15Q05"))
    project.full_clean()
    project.save()
    project.refresh_from_db()
    assert (project.governorate.pcode, project.district.pcode) == ("IQG15", "IQG15Q05")


def test_a_district_outside_the_governorate_is_refused():
    project = unsaved(governorate=governorate("IQG13"), district=district("IQG15Q05"))
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert error.value.message_dict["district"] == ["Al-Mosul is in Ninewa, not in Kirkuk."]


def test_a_project_needs_a_governorate_or_a_district():
    with pytest.raises(ValidationError) as error:
        unsaved().full_clean()
    assert "governorate" in error.value.message_dict


def test_a_governorate_alone_is_still_a_place():
    project = unsaved(governorate=governorate("IQG13"))
    project.full_clean()
    assert project.district is None


def test_the_database_refuses_a_district_of_another_governorate():
    project = ProjectFactory(district=district("IQG13Q01"))
    assert project.governorate.pcode == "IQG13"
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(governorate=governorate("IQG15"))


@pytest.mark.parametrize(
    ("governorate_pcode", "text", "expected"),
    [
        ("IQG13", "Hawija", ("IQG13Q01", True)),
        ("IQG15", "al mosul", ("IQG15Q05", True)),
        ("IQG15", "IQG15Q05", ("IQG15Q05", True)),
        # A sub-district gives its district; the text is kept as a note.
        ("IQG15", "Qayyarah", ("IQG15Q05", False)),
        ("IQG09", "Markaz Zakho", ("IQG09Q04", False)),
        ("IQG11", "Gwer", ("IQG11Q04", False)),
        # Mosul is not in Kirkuk: no district, the text kept.
        ("IQG13", "Mosul", (None, False)),
        ("IQG13", "Somewhere", (None, False)),
    ],
)
def test_old_free_text_districts_map_within_their_governorate(governorate_pcode, text, expected):
    migration = importlib.import_module("programmes.migrations.0008_project_district_from_text")
    found, exact = migration.match(migration._lookup(apps), governorate(governorate_pcode).pk, text)
    pcode = apps.get_model("programmes", "District").objects.get(pk=found).pcode if found else None
    assert (pcode, exact) == expected
