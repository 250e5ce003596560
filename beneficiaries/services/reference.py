"""Writes of field data's reference lists: activity types (with the sectors
each fits) and feedback surveys with their questions. Administrators call
them (the API's reference data endpoints); who may is decided before. Each
checks the model's rules (``ValidationError`` by field) and saves with the
user in the history where the model keeps one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from modeltranslation.utils import get_translation_fields

from beneficiaries.models import ActivityType, Question, Survey
from programmes.names import english_filled
from programmes.services import reference_save

# ``text`` and ``choices`` in the active language, or in each (``text_ar``, ``choices_ar``...).
QUESTION_FIELDS = ("text", "kind", "choices", *get_translation_fields("text", "choices"))


@transaction.atomic
def activity_type_create(*, user, fields: Mapping[str, Any]) -> ActivityType:
    """A new activity type; ``fields["sectors"]`` (optional) the sectors it fits."""
    return reference_save(instance=ActivityType(), user=user, fields=fields)


@transaction.atomic
def activity_type_update(
    *, activity_type: ActivityType, user, fields: Mapping[str, Any]
) -> ActivityType:
    """``activity_type`` changed; lines already recorded keep it."""
    return reference_save(instance=activity_type, user=user, fields=fields)


@transaction.atomic
def survey_create(
    *, user, fields: Mapping[str, Any], questions: Iterable[Mapping[str, Any]] = ()
) -> Survey:
    """A new survey with ``questions`` (dicts of code, text, kind, choices),
    in that order."""
    return survey_update(survey=Survey(), user=user, fields=fields, questions=questions)


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    user,
    fields: Mapping[str, Any],
    questions: Iterable[Mapping[str, Any]] | None = None,
) -> Survey:
    """``survey`` changed by ``fields``; when ``questions`` is given, each is
    added or changed by its code and they take its order. A question left out
    is kept (responses answer it), after them: questions are removed in the
    admin only.
    ValidationError naming the question's code for a bad question."""
    reference_save(instance=survey, user=user, fields=fields)
    if questions is None:
        return survey
    questions = list(questions)
    stored = {q.code: q for q in survey.questions.select_for_update()}
    for position, given in enumerate(questions):
        question = stored.get(given["code"]) or Question(survey=survey, code=given["code"])
        for name in QUESTION_FIELDS:
            if name in given:
                setattr(question, name, given[name])
        question.position = position
        english_filled(question)
        try:
            question.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    "questions": [
                        _("%(code)s: %(errors)s")
                        % {"code": given["code"], "errors": " ".join(error.messages)}
                    ]
                }
            ) from None
        question.save()
    # Those left out follow, in their order.
    given_codes = {given["code"] for given in questions}
    kept = sorted((q for c, q in stored.items() if c not in given_codes), key=_order)
    for position, question in enumerate(kept, start=len(given_codes)):
        if question.position != position:
            question.position = position
            question.save(update_fields=["position"])
    return survey


def _order(question: Question) -> tuple[int, int]:
    return (question.position, question.pk)
