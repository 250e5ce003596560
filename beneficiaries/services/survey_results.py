"""Entering a survey's aggregate results (``beneficiaries.survey_results``):
by counts, or by percentages of a base turned into counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Survey
from beneficiaries.survey_results import SurveyResult, SurveyResultCount
from programmes.access import projects_for_user, user_role
from programmes.models import Project, UserProfile

WRITERS = (UserProfile.Role.MANAGER, UserProfile.Role.ADMIN)


def counts_from_shares(base: int, shares: Mapping[str, Decimal]) -> dict[str, int]:
    """The counts that percentages of ``base`` imply, by option code.

    The rounding: the counts add up to the base times the sum of the shares,
    rounded half up (273 × 100% = 273 people; 273 × 99% = 270.27, so 270),
    and each option gets the whole part of its exact count, the remaining
    people going one each to the options with the largest fractional parts
    (ties: in the order given). So 46% of 273 (125.58) gives 126 unless the
    total says otherwise, and a published "46% / 54%" never gives 274."""
    exact = {code: Decimal(base) * Decimal(share) / 100 for code, share in shares.items()}
    total = int(sum(exact.values(), Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    counts = {code: int(value) for code, value in exact.items()}
    left = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda code: -(exact[code] - counts[code]))
    for code in by_remainder[: max(left, 0)]:
        counts[code] += 1
    return counts


@transaction.atomic
def survey_result_save(
    *,
    user,
    survey: Survey,
    project: Project,
    collected_on: dt.date,
    base: int,
    answers: Mapping[str, Mapping[str, int | Decimal]],
    as_shares: bool = False,
    source: str = "",
) -> SurveyResult:
    """Record ``survey``'s aggregate results for ``project``: ``answers``
    maps question codes to {option code: count} (or, with ``as_shares``,
    {option code: percentage of ``base``}, turned into counts by
    ``counts_from_shares``). Only managers (their programmes' projects) and
    administrators. Raises ``ValidationError`` by field (``base``,
    ``collected_on``, ``answers``) when the base is not positive, the date
    is in the future or before the project, a question or option is not
    the survey's, or a question's counts exceed the base; nothing is saved."""
    if user_role(user) not in WRITERS or not (
        projects_for_user(user).filter(pk=project.pk).exists()
    ):
        raise PermissionDenied(_("You cannot enter survey results for this project."))
    errors: dict[str, list[str]] = {}
    if not base or base < 1:
        errors.setdefault("base", []).append(_("Give how many people were surveyed (1 or more)."))
    if collected_on > timezone.localdate():
        errors.setdefault("collected_on", []).append(_("This date is in the future."))
    elif collected_on < project.start_date:
        errors.setdefault("collected_on", []).append(
            _("Project %(code)s started after this date.") % {"code": project.code}
        )
    questions = {q.code: q for q in survey.questions.all()}
    rows: list[SurveyResultCount] = []
    for code, given in answers.items():
        question = questions.get(code)
        if question is None:
            errors.setdefault("answers", []).append(
                _("“%(code)s” is not a question of this survey.") % {"code": code}
            )
            continue
        options = {str(c) for c, _label in question.choices}
        unknown = sorted(str(o) for o in given if str(o) not in options)
        if unknown:
            errors.setdefault("answers", []).append(
                _("“%(options)s” is not an option of question “%(code)s”.")
                % {"options": ", ".join(unknown), "code": code}
            )
            continue
        if any(Decimal(v) < 0 for v in given.values()):
            errors.setdefault("answers", []).append(
                _("Question “%(code)s”: a count or share cannot be negative.") % {"code": code}
            )
            continue
        if as_shares:
            if sum(Decimal(v) for v in given.values()) > Decimal("100.5"):
                errors.setdefault("answers", []).append(
                    _("Question “%(code)s”: the shares add up to more than 100%%.") % {"code": code}
                )
                continue
            counts = counts_from_shares(base or 0, {str(k): Decimal(v) for k, v in given.items()})
        else:
            counts = {str(k): int(v) for k, v in given.items()}
        if base and sum(counts.values()) > base:
            errors.setdefault("answers", []).append(
                _("Question “%(code)s”: %(n)s answers, more than the %(base)s people surveyed.")
                % {"code": code, "n": sum(counts.values()), "base": base}
            )
            continue
        rows += [
            SurveyResultCount(question=question, value=value, count=n)
            for value, n in counts.items()
        ]
    if not answers:
        errors.setdefault("answers", []).append(_("Give the results of at least one question."))
    if errors:
        raise ValidationError(errors)
    result = SurveyResult.objects.create(
        survey=survey,
        project=project,
        collected_on=collected_on,
        base=base,
        source=source,
        entered_by=user,
    )
    for row in rows:  # one by one, so that each has its history
        row.result = result
        row.save()
    return result
