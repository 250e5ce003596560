"""The visit form's one transaction: a visit with its assistance lines,
referrals and feedback responses saved together, and submitted if asked.

The page (or any other caller) says what changed, line by line, in plain data
(``LineChange``, ``ReferralChange``, ``FeedbackChange``); ``visit_save`` applies
it all through the services of each part, or nothing: any rule broken raises
``ValidationError`` and rolls the whole visit back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from beneficiaries.models import ActivityType, MonitoringVisit, Question, SharedReach, Survey
from beneficiaries.services.feedback import feedback_response_delete, feedback_response_save
from beneficiaries.services.location import LocationFix, visit_location_save
from beneficiaries.services.photos import photo_add
from beneficiaries.services.places import Place
from beneficiaries.services.reach import (
    ReachGiven,
    SharingLine,
    raise_shared_reach_errors,
    reach_lines_move_together,
    reach_save,
    reaches_drop_unshared,
)
from beneficiaries.services.visits import (
    assistance_line_delete,
    assistance_line_save,
    referral_delete,
    referral_save,
    visit_create,
    visit_submit,
    visit_update,
)
from programmes.models import Project


@dataclass(frozen=True)
class LineChange:
    """One assistance line added (``record_id`` None), changed, or removed
    (``delete``; then only ``record_id`` counts)."""

    record_id: int | None = None
    delete: bool = False
    activity_type: ActivityType | None = None
    units: int = 0
    households: int = 0
    people: int = 0
    household_size: int | None = None
    recipients: Mapping[str, int | None] = field(default_factory=dict)
    delivered_on: dt.date | None = None  # None: the visit's day
    reach: str | None = None  # the key of the shared reach given with the lines, if any


@dataclass(frozen=True)
class ReferralChange:
    """One referral added (``referral_id`` None), changed, or removed. A change
    keeps the day a manager closed it."""

    referral_id: int | None = None
    delete: bool = False
    issue: str = ""
    referred_to: str = ""


@dataclass(frozen=True)
class FeedbackChange:
    """One feedback response to ``survey`` added (``response_id`` None),
    changed, or removed."""

    survey: Survey
    response_id: int | None = None
    delete: bool = False
    answers: Mapping[Question, str | None] = field(default_factory=dict)
    sex: str = ""
    age_group: str = ""
    population_group: str = ""


@dataclass(frozen=True)
class PhotoAdd:
    """A photo to add to the visit, with its caption and credit."""

    image: UploadedFile
    caption: str
    credit: str


def _existing(rows, pk, message: str):
    if pk is None:
        return None
    if pk not in rows:
        raise ValidationError(message)
    return rows[pk]


@transaction.atomic
def visit_save(
    *,
    user,
    visit: MonitoringVisit | None,
    project: Project,
    visit_date: dt.date,
    findings: str,
    place: Place | None = None,
    lines: Sequence[LineChange] = (),
    reaches: Sequence[ReachGiven] = (),
    referrals: Sequence[ReferralChange] = (),
    feedback: Sequence[FeedbackChange] = (),
    photos: Sequence[PhotoAdd] = (),
    submit: bool = False,
    client_id: uuid.UUID | None = None,
    location: LocationFix | None = None,
) -> MonitoringVisit:
    """Create (``visit`` None) or change a draft or returned visit by ``user``
    with the changes to its lines, referrals and feedback, in one transaction;
    with ``submit``, send it for review too (after its ``photos`` are added,
    so a visit submitted straight away keeps them). Returns the visit as saved. A
    line, referral or response named by an id the visit no longer has raises
    ``ValidationError``, as any broken rule does, and nothing is saved. A
    ``location`` replaces the visit's (None keeps what it had).

    ``reaches`` are the shared reaches of the lines (``LineChange.reach``
    names one by its key): each is written once and counted once, and a reach
    no line shares any more is deleted. A line not naming one leaves its reach."""
    kept = [change for change in lines if not change.delete]
    if reaches or any(change.reach for change in kept):
        raise_shared_reach_errors(
            reaches,
            [
                SharingLine(
                    reach=change.reach,
                    delivered_on=change.delivered_on or visit_date,
                    households=change.households,
                    people=change.people,
                    household_size=change.household_size,
                    recipients=change.recipients,
                )
                for change in kept
            ],
        )
    if visit is None:
        visit = visit_create(
            user=user,
            project=project,
            visit_date=visit_date,
            findings=findings,
            client_id=client_id,
            place=place,
        )
    else:
        visit = visit_update(
            visit=visit,
            user=user,
            project=project,
            visit_date=visit_date,
            findings=findings,
            place=place,
        )

    records = {record.pk: record for record in visit.assistance.all()}
    had_reaches = {record.reach_id for record in records.values() if record.reach_id}
    shared = {}
    for given in reaches:
        reach = None
        if given.reach_id is not None:
            if given.reach_id not in had_reaches:
                raise ValidationError(_("A shared reach of this visit no longer exists."))
            reach = SharedReach.objects.get(pk=given.reach_id)
        shared[given.key] = reach_save(given=given, reach=reach, user=user)
    if had_reaches or shared:
        reach_lines_move_together()  # the lines of a reach are saved one by one
    for change in lines:
        record = _existing(
            records, change.record_id, _("An assistance line of this visit no longer exists.")
        )
        if change.delete:
            if record is not None:
                assistance_line_delete(visit=visit, user=user, record=record)
            continue
        assistance_line_save(
            visit=visit,
            user=user,
            record=record,
            activity_type=change.activity_type,
            units=change.units,
            households=change.households,
            people=change.people,
            household_size=change.household_size,
            recipients=change.recipients,
            delivered_on=change.delivered_on,
            reach=shared.get(change.reach) if change.reach else None,
        )
    reaches_drop_unshared(reach_ids=had_reaches, user=user)

    existing_referrals = {referral.pk: referral for referral in visit.referrals.all()}
    for change in referrals:
        referral = _existing(
            existing_referrals,
            change.referral_id,
            _("A referral of this visit no longer exists."),
        )
        if change.delete:
            if referral is not None:
                referral_delete(visit=visit, user=user, referral=referral)
            continue
        referral_save(
            visit=visit,
            user=user,
            referral=referral,
            issue=change.issue,
            referred_to=change.referred_to,
            # Editing the issue does not reopen a referral a manager closed.
            closed_on=referral.closed_on if referral else None,
        )

    responses = {response.pk: response for response in visit.feedback.all()}
    gone = _("A feedback response of this visit no longer exists.")
    for change in feedback:
        response = _existing(responses, change.response_id, gone)
        if response is not None and response.survey_id != change.survey.pk:
            raise ValidationError(gone)
        if change.delete:
            if response is not None:
                feedback_response_delete(visit=visit, user=user, response=response)
            continue
        feedback_response_save(
            visit=visit,
            user=user,
            response=response,
            survey=change.survey,
            answers=change.answers,
            sex=change.sex,
            age_group=change.age_group,
            population_group=change.population_group,
        )

    visit_location_save(visit=visit, user=user, fix=location)

    for photo in photos:
        photo_add(
            visit=visit, user=user, image=photo.image, caption=photo.caption, credit=photo.credit
        )

    if submit:
        visit = visit_submit(visit=visit, user=user)
    return visit
