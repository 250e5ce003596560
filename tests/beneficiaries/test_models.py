"""Assistance, visits and feedback: what the database refuses and what clean() refuses."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from beneficiaries.models import (
    RECIPIENT_FIELDS,
    Answer,
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Question,
    Survey,
    recipient_field,
)
from tests.factories import AssistanceRecordFactory, MonitoringVisitFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def refused(callable_):
    try:
        with transaction.atomic():
            callable_()
    except IntegrityError:
        return True
    return False


def test_negative_counts_refused_by_the_database():
    record = AssistanceRecordFactory(units=2, households=2, people=3)
    for field in ("units", "households", "people"):
        assert refused(
            lambda f=field: AssistanceRecord.objects.filter(pk=record.pk).update(**{f: -1})
        )
    assert refused(lambda: AssistanceRecord.objects.filter(pk=record.pk).update(f_18_59_idp=-3))


@pytest.mark.parametrize("size", [0, 31, 100])
def test_household_size_outside_1_to_30_refused(size):
    assert refused(lambda: AssistanceRecordFactory(household_size=size))


@pytest.mark.parametrize("size", [1, 6, 30])
def test_household_size_inside_range_stored(size):
    assert AssistanceRecordFactory(household_size=size).household_size == size


def test_more_households_than_people_refused_by_db_and_by_clean():
    assert refused(lambda: AssistanceRecordFactory(households=5, people=4))
    record = AssistanceRecordFactory.build(households=5, people=4, project=ProjectFactory())
    with pytest.raises(ValidationError) as info:
        record.full_clean()
    assert "households" in info.value.message_dict


def test_breakdown_columns_are_named_by_cell():
    assert recipient_field("f", "18-59", "idp") == "f_18_59_idp"
    assert recipient_field("m", "60+", "host") == "m_60plus_host"
    assert len(RECIPIENT_FIELDS) == len(set(RECIPIENT_FIELDS)) == 2 * 4 * 4


def test_breakdown_above_people_refused_by_db_and_by_clean():
    record = AssistanceRecordFactory(people=10, households=2)
    record.set_recipients({("f", "18-59", "idp"): 4, ("m", "6-17", "returnee"): 6})
    record.save()
    record.refresh_from_db()
    assert record.recipients() == {("f", "18-59", "idp"): 4, ("m", "6-17", "returnee"): 6}
    assert refused(lambda: AssistanceRecord.objects.filter(pk=record.pk).update(m_60plus_host=1))
    record.set_recipients({("f", "18-59", "idp"): 5, ("m", "6-17", "returnee"): 6})
    with pytest.raises(ValidationError) as info:
        record.full_clean()
    assert info.value.message_dict["people"] == [
        "The recipients by sex, age and population group add up to 11, more than the 10 "
        "people recorded."
    ]


def test_breakdown_is_kept_in_history():
    record = AssistanceRecordFactory(people=5, households=1)
    record.set_recipients({("f", "0-5", "refugee"): 5})
    record.save()
    assert record.history.latest().f_0_5_refugee == 5


def test_returned_visit_needs_a_reason():
    visit = MonitoringVisitFactory()
    assert refused(lambda: MonitoringVisit.objects.filter(pk=visit.pk).update(status="returned"))
    MonitoringVisit.objects.filter(pk=visit.pk).update(
        status="returned", return_reason="Photos missing"
    )


def test_every_change_is_kept_in_history():
    visit = MonitoringVisitFactory(findings="Water point works")
    visit.findings = "Water point broken"
    visit.save()
    assert [h.findings for h in visit.history.order_by("history_date")] == [
        "Water point works",
        "Water point broken",
    ]


def test_answer_must_be_one_of_the_options():
    survey = Survey.objects.create(code="satisfaction", title="Satisfaction")
    question = Question.objects.create(
        survey=survey,
        code="satisfied",
        text="How satisfied are you?",
        kind="likert",
        choices=[["5", "Very satisfied"], ["4", "Satisfied"], ["1", "Very dissatisfied"]],
    )
    response = FeedbackResponse.objects.create(
        survey=survey, project=ProjectFactory(), collected_on=dt.date(2018, 3, 1)
    )
    with pytest.raises(ValidationError):
        Answer(response=response, question=question, value="9").full_clean()
    Answer(response=response, question=question, value="5").full_clean()
    assert refused(
        lambda: [
            Answer.objects.create(response=response, question=question, value="5") for _ in range(2)
        ]
    )
