"""The visit form's transaction as a service: a visit, its lines, referrals
and feedback saved (and submitted) together, or not at all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from beneficiaries import services
from beneficiaries.models import (
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Question,
    Referral,
    Survey,
)
from tests.beneficiaries.test_services import DAY, GIRLS_HOST, WOMEN_IDP, build_world
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    world = build_world()
    world["survey"] = Survey.objects.create(code="satisfaction", title="Satisfaction")
    world["satisfied"] = Question.objects.create(
        survey=world["survey"],
        code="satisfaction",
        text="How satisfied are you?",
        kind=Question.Kind.LIKERT,
        choices=[["5", "Very satisfied"], ["3", "Neutral"]],
        position=1,
    )
    return world


def a_line(world, **counts) -> services.LineChange:
    fields = {
        "activity_type": world["bsp"],
        "units": 4,
        "households": 4,
        "people": 6,
        "recipients": {WOMEN_IDP: 3, GIRLS_HOST: 1},
    }
    return services.LineChange(**{**fields, **counts})


def save(world, visit=None, **changes) -> MonitoringVisit:
    return services.visit_save(
        user=world["alice"],
        visit=visit,
        project=world["project"],
        visit_date=DAY,
        findings=changes.pop("findings", "Shops open, stock bought."),
        **changes,
    )


def test_a_visit_is_saved_and_submitted_with_everything_on_it(world):
    visit = save(
        world,
        lines=[a_line(world)],
        referrals=[services.ReferralChange(issue="Broken pump", referred_to="Water directorate")],
        feedback=[
            services.FeedbackChange(survey=world["survey"], answers={world["satisfied"]: "5"})
        ],
        submit=True,
    )
    assert visit.status == "submitted"
    assert AssistanceRecord.objects.get(visit=visit).status == "submitted"
    assert FeedbackResponse.objects.get(visit=visit).status == "submitted"
    assert Referral.objects.get(visit=visit).referred_to == "Water directorate"


def test_one_bad_line_saves_nothing_not_even_the_new_visit(world):
    with pytest.raises(ValidationError) as error:
        save(world, lines=[a_line(world), a_line(world, households=9, people=3)])
    assert "households" in error.value.message_dict
    assert not MonitoringVisit.objects.exists()
    assert not AssistanceRecord.objects.exists()


def test_a_failed_submission_rolls_back_the_changes_made_with_it(world):
    visit = save(world, lines=[a_line(world)])
    with pytest.raises(ValidationError):
        save(world, visit, findings="   ", lines=[a_line(world, units=9)], submit=True)
    visit.refresh_from_db()
    assert (visit.status, visit.findings) == ("draft", "Shops open, stock bought.")
    assert AssistanceRecord.objects.get(visit=visit).units == 4


def test_lines_referrals_and_feedback_are_changed_and_removed_by_id(world):
    visit = save(
        world,
        lines=[a_line(world), a_line(world, units=2)],
        referrals=[services.ReferralChange(issue="Broken pump", referred_to="Municipality")],
    )
    first, second = AssistanceRecord.objects.filter(visit=visit).order_by("pk")
    referral = Referral.objects.get(visit=visit)
    Referral.objects.filter(pk=referral.pk).update(closed_on=DAY)  # a manager closed it
    save(
        world,
        visit,
        lines=[
            a_line(world, record_id=first.pk, units=7),
            services.LineChange(record_id=second.pk, delete=True),
        ],
        referrals=[
            services.ReferralChange(
                referral_id=referral.pk, issue="Broken pump, still", referred_to="Municipality"
            )
        ],
    )
    assert list(AssistanceRecord.objects.filter(visit=visit).values_list("units", flat=True)) == [7]
    referral.refresh_from_db()
    assert (referral.issue, referral.closed_on) == ("Broken pump, still", DAY)


def test_a_line_of_another_visit_or_gone_is_refused(world):
    visit = save(world, lines=[a_line(world)])
    other = services.visit_save(
        user=world["alice"],
        visit=None,
        project=world["project"],
        visit_date=DAY - dt.timedelta(days=1),
        findings="Other",
        lines=[a_line(world)],
    )
    foreign = AssistanceRecord.objects.get(visit=other)
    with pytest.raises(ValidationError) as error:
        save(world, visit, lines=[a_line(world, record_id=foreign.pk, units=1)])
    assert "no longer exists" in " ".join(error.value.messages)
    assert AssistanceRecord.objects.get(pk=foreign.pk).units == 4
