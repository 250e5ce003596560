"""Names in each language (#15): a programme's, sector's, activity type's,
question's or definition's name reads in the active language, English where
that one is blank (the migration kept the names stored before it:
``tests/test_migrations_data.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from psycopg2 import sql

from beneficiaries.models import Question
from beneficiaries.services import reference as beneficiary_services
from programmes import services
from programmes.models import Programme, Sector
from programmes.names import localised, localised_sql
from tests.factories import ActivityTypeFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db

HEALTH_AR, HEALTH_CKB = "الصحة", "تەندروستی"


def test_a_name_reads_in_the_active_language_and_in_english_where_it_has_none():
    sector = SectorFactory(code="health", name="Health")
    sector.name_ar = HEALTH_AR
    sector.save()
    sector.refresh_from_db()
    assert sector.name == "Health"
    with translation.override("ar"):
        assert sector.name == HEALTH_AR
        assert str(sector) == HEALTH_AR
    with translation.override("ckb"):
        assert sector.name == "Health"  # no Kurdish name: the English one
    sector.name_ckb = HEALTH_CKB
    with translation.override("ckb"):
        assert sector.name == HEALTH_CKB


def test_sql_reading_the_columns_itself_picks_the_language_with_the_fallback():
    SectorFactory(code="health", name="Health", name_ar=HEALTH_AR)
    SectorFactory(code="energy", name="Energy")  # no Arabic name
    with translation.override("ar"):
        names = dict(Sector.objects.values_list("code", localised("name")))
        query = sql.SQL("SELECT code, {} FROM programmes_sector s").format(
            localised_sql("s", "name")
        )
        with connection.cursor() as cursor:
            cursor.execute(query.as_string(cursor.connection))
            raw = dict(cursor.fetchall())
    assert names == raw == {"health": HEALTH_AR, "energy": "Energy"}
    assert dict(Sector.objects.values_list("code", localised("name"))) == {
        "health": "Health",
        "energy": "Energy",
    }


def test_a_name_written_in_arabic_alone_is_the_english_one_too():
    admin = UserFactory(is_superuser=True)
    with translation.override("ar"):
        programme = services.programme_create(
            user=admin,
            fields={
                "code": "FAP",
                "name": "مشروع مساعدة الأسر",
                "outcome_area": Programme.OutcomeArea.SOCIAL_SERVICES,
                "start_date": dt.date(2021, 3, 1),
            },
        )
    programme.refresh_from_db()
    assert programme.name_ar == programme.name_en == "مشروع مساعدة الأسر"
    assert programme.name == "مشروع مساعدة الأسر"  # English readers see it rather than nothing


def test_names_stay_unique_in_each_language_and_a_missing_one_is_no_duplicate():
    admin = UserFactory(is_superuser=True)
    for code, name in (("health", "Health"), ("energy", "Energy")):
        services.sector_create(user=admin, fields={"code": code, "name_en": name, "name_ar": ""})
    assert list(Sector.objects.order_by("code").values_list("name_ar", flat=True)) == [None, None]
    services.sector_update(
        sector=Sector.objects.get(code="health"), user=admin, fields={"name_ar": HEALTH_AR}
    )
    with pytest.raises(ValidationError) as refused:
        services.sector_update(
            sector=Sector.objects.get(code="energy"), user=admin, fields={"name_ar": HEALTH_AR}
        )
    assert "name_ar" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.sector_create(user=admin, fields={"code": "water", "name_en": "Health"})
    assert "name_en" in refused.value.message_dict


def test_a_questions_answer_labels_are_in_each_language_with_the_english_codes():
    admin = UserFactory(is_superuser=True)
    survey = beneficiary_services.survey_create(
        user=admin,
        fields={"code": "exit", "title_en": "Exit survey", "title_ar": "استبيان الخروج"},
        questions=[
            {
                "code": "satisfied",
                "text_en": "Satisfied?",
                "text_ar": "هل أنت راضٍ؟",
                "kind": "choice",
                "choices_en": [["yes", "Yes"], ["no", "No"]],
                "choices_ar": [["yes", "نعم"], ["no", "لا"]],
            }
        ],
    )
    question = Question.objects.get(survey=survey)
    with translation.override("ar"):
        assert (survey.title, question.text) == ("استبيان الخروج", "هل أنت راضٍ؟")
        assert question.choices == [["yes", "نعم"], ["no", "لا"]]
    with translation.override("ckb"):
        assert question.choices == [["yes", "Yes"], ["no", "No"]]
    with pytest.raises(ValidationError, match="English answer codes"):
        beneficiary_services.survey_update(
            survey=survey,
            user=admin,
            fields={},
            questions=[{"code": "satisfied", "choices_ckb": [["no", "نەخێر"], ["yes", "بەڵێ"]]}],
        )


def test_an_activity_types_unit_reads_in_the_active_language():
    activity = ActivityTypeFactory(code="nfi", name="NFI kit", unit="kit")
    activity.name_ar, activity.unit_ar = "حقيبة المواد غير الغذائية", "حقيبة"
    activity.save()
    with translation.override("ar"):
        assert (activity.name, activity.unit) == ("حقيبة المواد غير الغذائية", "حقيبة")
    with translation.override("ckb"):
        assert (activity.name, activity.unit) == ("NFI kit", "kit")
