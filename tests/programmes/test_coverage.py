"""A project's coverage: several places, or the whole country; its one place
kept as ``governorate``/``district`` when there is exactly one."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes import services
from programmes.models import Project, ProjectPlace
from programmes.services_coverage import project_coverage
from tests.factories import (
    DonorFactory,
    ProgrammeFactory,
    ProjectFactory,
    SectorFactory,
    UserFactory,
    district,
    governorate,
)

pytestmark = pytest.mark.django_db


def fields(**more):
    return {
        "code": "P-1",
        "name": "Cash for work",
        "programme": ProgrammeFactory(),
        "sector": SectorFactory(),
        "donor": DonorFactory(),
        "start_date": dt.date(2017, 3, 1),
        "budget_usd": 1000,
        **more,
    }


def pcodes(project):
    return [place.pcode for place in project_coverage(project)]


def test_a_project_covers_several_places_and_has_no_one_place():
    project = services.project_create(
        user=UserFactory(),
        fields=fields(coverage=[governorate("IQG13"), district("IQG15Q05"), district("IQG15Q01")]),
    )
    project.refresh_from_db()
    assert pcodes(project) == ["IQG13", "IQG15Q01", "IQG15Q05"]
    assert (project.governorate, project.district, project.national) == (None, None, False)
    # The districts' governorate is derived and stored with them.
    assert set(project.coverage.values_list("governorate__pcode", flat=True)) == {"IQG13", "IQG15"}


def test_a_national_project_has_no_place_and_no_coverage():
    project = services.project_create(user=UserFactory(), fields=fields(national=True))
    project.refresh_from_db()
    assert (project.governorate, project.district, project.national) == (None, None, True)
    assert pcodes(project) == []


def test_a_national_project_with_places_is_refused_naming_them():
    with pytest.raises(ValidationError) as error:
        services.project_create(
            user=UserFactory(), fields=fields(national=True, coverage=[governorate("IQG13")])
        )
    assert error.value.message_dict["coverage"] == [
        "A national project covers the whole of Iraq: give no places (given: Kirkuk)."
    ]
    assert not Project.objects.exists()


def test_a_district_and_its_own_governorate_are_not_both_covered():
    with pytest.raises(ValidationError) as error:
        services.project_create(
            user=UserFactory(), fields=fields(coverage=[governorate("IQG15"), district("IQG15Q05")])
        )
    assert error.value.message_dict["coverage"] == [
        "Al-Mosul is a district of Ninewa, which the coverage already holds whole: give the "
        "governorate or some of its districts, not both."
    ]
    # The database refuses it too, whatever writes the rows.
    project = ProjectFactory(governorate=governorate("IQG15"))
    ProjectPlace.objects.create(project=project, governorate=governorate("IQG15"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectPlace.objects.create(
            project=project, governorate=governorate("IQG15"), district=district("IQG15Q05")
        )


def test_a_project_with_no_place_and_not_national_is_refused():
    with pytest.raises(ValidationError) as error:
        services.project_create(user=UserFactory(), fields=fields(coverage=[]))
    assert error.value.message_dict["coverage"] == [
        "Give the places the project covers, or mark it national."
    ]


def test_one_place_is_kept_as_the_projects_own_and_follows_its_changes():
    officer = UserFactory()
    project = services.project_create(user=officer, fields=fields(district=district("IQG15Q05")))
    project.refresh_from_db()
    assert (project.governorate.pcode, project.district.pcode) == ("IQG15", "IQG15Q05")
    assert pcodes(project) == ["IQG15Q05"]
    services.project_update(
        project=project, user=officer, fields={"coverage": [governorate("IQG13")]}
    )
    project.refresh_from_db()
    assert (project.governorate.pcode, project.district) == ("IQG13", None)
    assert pcodes(project) == ["IQG13"]
    services.project_update(project=project, user=officer, fields={"national": True})
    project.refresh_from_db()
    assert (project.governorate, project.national, pcodes(project)) == (None, True, [])


def test_a_project_from_before_covers_its_one_place():
    # Projects stored before coverage existed (or written without the
    # services) count as covering their one place.
    project = ProjectFactory(district=district("IQG15Q05"))
    assert pcodes(project) == ["IQG15Q05"]


def test_the_database_keeps_a_national_project_without_a_place():
    project = ProjectFactory(governorate=governorate("IQG13"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(national=True)
