"""Feedback responses collected on a monitoring visit: one beneficiary's
answers to a survey, which follow the visit's status."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from beneficiaries.models import (
    AgeGroup,
    Answer,
    FeedbackResponse,
    MonitoringVisit,
    PopulationGroup,
    Question,
    Sex,
    Survey,
)
from beneficiaries.services.common import _raise_if, _require_editable, _save

# --- Feedback responses ---------------------------------------------------------------


def feedback_errors(
    *, survey: Survey, answers: Mapping[Question, str | None], **respondent: str
) -> dict[str, str]:
    """What is wrong with one beneficiary's answers to ``survey``, as {field:
    message}; the field of an answer is ``q<question id>``, the respondent's
    ``sex``, ``age_group`` and ``population_group`` may be blank (not asked).
    At least one question must be answered. Empty when all is well."""
    errors: dict[str, str] = {}
    choices = {"sex": Sex, "age_group": AgeGroup, "population_group": PopulationGroup}
    for field, value in respondent.items():
        if value and value not in choices[field].values:
            errors[field] = _("Choose one of the options listed.")
    given = 0
    for question, value in answers.items():
        if question.survey_id != survey.pk:
            errors[f"q{question.pk}"] = _("This question is not part of the survey.")
        elif value not in (None, ""):
            given += 1
            if str(value) not in question.choice_codes():
                errors[f"q{question.pk}"] = _("Choose one of the answers listed.")
    if not given:
        errors["__all__"] = _(
            "No answer recorded: choose at least one answer, or remove this response."
        )
    return errors


@transaction.atomic
def feedback_response_save(
    *,
    visit: MonitoringVisit,
    user,
    response: FeedbackResponse | None = None,
    survey: Survey,
    answers: Mapping[Question, str | None],
    sex: str = "",
    age_group: str = "",
    population_group: str = "",
) -> FeedbackResponse:
    """Create (``response`` None) or change one beneficiary's answers to
    ``survey``, collected on a draft or returned visit: for the visit's
    project, dated the visit's day, with the visit's status (so it counts
    once the visit is approved). ``answers`` maps questions to answer codes; a
    blank answer removes the one given before. Every answer changed is kept
    in its history."""
    _require_editable(visit)
    if response is not None and response.visit_id != visit.pk:
        raise ValidationError(_("This feedback response belongs to another visit."))
    if response is not None and response.survey_id != survey.pk:
        raise ValidationError(_("A feedback response cannot change survey."))
    respondent = {"sex": sex, "age_group": age_group, "population_group": population_group}
    _raise_if(feedback_errors(survey=survey, answers=answers, **respondent))
    response = response or FeedbackResponse(visit=visit, survey=survey)
    response.project = visit.project
    response.collected_on = visit.visit_date
    response.status = visit.status
    response.sex, response.age_group, response.population_group = sex, age_group, population_group
    _save(response, user=user)
    existing = {answer.question_id: answer for answer in response.answers.all()}
    for question, value in answers.items():
        answer = existing.get(question.pk)
        if value in (None, ""):
            if answer is not None:
                answer._history_user = user
                answer.delete()
        elif answer is None:
            _save(Answer(response=response, question=question, value=str(value)), user=user)
        elif answer.value != str(value):
            answer.value = str(value)
            _save(answer, user=user)
    return response


@transaction.atomic
def feedback_response_delete(*, visit: MonitoringVisit, user, response: FeedbackResponse) -> None:
    """Remove a feedback response and its answers from a draft or returned
    visit (their history stays)."""
    _require_editable(visit)
    if response.visit_id != visit.pk:
        raise ValidationError(_("This feedback response belongs to another visit."))
    for answer in response.answers.all():
        answer._history_user = user
        answer.delete()
    response._history_user = user
    response.delete()
