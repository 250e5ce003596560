"""Each visit and assistance record in its own place: the finest known, the
coarser levels derived and stored, inside the project's coverage (anywhere
for a national project), by the services, the import and the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from beneficiaries import services
from beneficiaries.models import AssistanceRecord, MonitoringVisit
from programmes import services as programme_services
from programmes.models import SubDistrict
from tests.beneficiaries.test_services import build_world
from tests.factories import AssistanceRecordFactory, district, governorate
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db
DAY = dt.date(2018, 3, 1)


@shared_for_module
def world():
    return build_world()


def covering(world, **coverage):
    """The world's Kirkuk project made national or multi-place."""
    return programme_services.project_update(
        project=world["project"], user=world["admin"], fields=coverage
    )


def visit(world, place=None, user="alice"):
    return services.visit_create(
        user=world[user], project=world["project"], visit_date=DAY, place=place
    )


def line(world, on_visit):
    return services.assistance_line_save(
        visit=on_visit,
        user=world["alice"],
        activity_type=world["bsp"],
        units=1,
        households=1,
        people=2,
        household_size=None,
        recipients={},
    )


def places(record):
    record.refresh_from_db()
    return tuple(
        getattr(record, level).pcode if getattr(record, f"{level}_id") else None
        for level in ("subdistrict", "district", "governorate")
    )


def test_a_one_place_project_gives_its_place_to_visits_and_lines(world):
    made = visit(world)
    assert places(made) == (None, None, "IQG13")
    assert places(line(world, made)) == (None, None, "IQG13")


def test_a_national_projects_visit_goes_anywhere_and_its_lines_follow(world):
    covering(world, national=True)
    made = visit(world, SubDistrict.objects.get(pcode="IQG15Q05N01"), user="admin")
    assert places(made) == ("IQG15Q05N01", "IQG15Q05", "IQG15")
    assert places(line(world, made)) == ("IQG15Q05N01", "IQG15Q05", "IQG15")


def test_a_monitor_records_a_national_project_in_their_governorates_only(world):
    covering(world, national=True)
    with pytest.raises(ValidationError) as error:
        visit(world, SubDistrict.objects.get(pcode="IQG15Q05N01"))
    assert error.value.message_dict["place"] == [
        "Al-Qayarra (IQG15Q05N01, sub-district of Al-Mosul) is not in your governorates."
    ]
    made = visit(world, SubDistrict.objects.get(pcode="IQG13Q01N01"))
    assert places(made) == ("IQG13Q01N01", "IQG13Q01", "IQG13")


def test_a_national_project_needs_the_place_given(world):
    covering(world, national=True)
    with pytest.raises(ValidationError) as error:
        visit(world)
    assert error.value.message_dict["place"] == [
        "KRK-01 covers the whole of Iraq: give the place (a governorate, district or sub-district)."
    ]


def test_a_multi_place_projects_visit_lies_inside_its_coverage(world):
    covering(world, coverage=[governorate("IQG13"), district("IQG15Q05")])
    with pytest.raises(ValidationError) as error:
        visit(world)
    assert error.value.message_dict["place"] == [
        "KRK-01 covers several places (Kirkuk, Al-Mosul (district of Ninewa)): give the place."
    ]
    with pytest.raises(ValidationError) as error:
        visit(world, district("IQG15Q01"), user="admin")  # another district of Ninewa
    assert error.value.message_dict["place"] == [
        f"{district('IQG15Q01').name_en} (IQG15Q01, district of Ninewa) is outside the places "
        "KRK-01 covers: Kirkuk, Al-Mosul (district of Ninewa)."
    ]
    made = visit(world, district("IQG15Q05"), user="admin")
    assert places(made) == (None, "IQG15Q05", "IQG15")


def test_the_database_derives_the_coarser_places_and_keeps_the_coverage(world):
    # Written without the services (a script, a bulk load): the trigger derives.
    record = AssistanceRecordFactory(
        project=world["project"],
        subdistrict=SubDistrict.objects.get(pcode="IQG13Q01N01"),
        district=None,
        governorate=None,
    )
    assert places(record) == ("IQG13Q01N01", "IQG13Q01", "IQG13")
    with pytest.raises(IntegrityError), transaction.atomic():
        AssistanceRecord.objects.filter(pk=record.pk).update(
            subdistrict=SubDistrict.objects.get(pcode="IQG15Q05N01")
        )
    covering(world, national=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringVisit.objects.create(
            project=world["project"], monitor=world["alice"], visit_date=DAY
        )


def test_a_project_moved_takes_the_records_at_its_old_place(world):
    record = line(world, visit(world))
    programme_services.project_update(
        project=world["project"], user=world["admin"], fields={"district": district("IQG13Q01")}
    )
    assert places(record) == (None, "IQG13Q01", "IQG13")
