"""Monitoring visits, the assistance lines they verify and their referrals:
the rules a monitor is told about, and the review workflow."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import (
    RECIPIENT_FIELDS,
    SPLIT_FIELDS,
    ActivityType,
    AssistanceRecord,
    MonitoringVisit,
    Referral,
    ReviewStatus,
)
from beneficiaries.models_reach import SharedReach
from beneficiaries.models_splits import splits_resolve
from beneficiaries.services.common import _day, _locked, _raise_if, _require_editable, _save
from beneficiaries.services.places import (
    Place,
    place_errors,
    place_scope_errors,
    place_settle,
)
from beneficiaries.services.reach import reach_lines_move_together
from programmes.access import projects_for_user
from programmes.hooks import assistance_scope, recompute_after_change, scope_of
from programmes.models import NotificationKind, Project
from programmes.notifications import notify

# --- Rules ------------------------------------------------------------------------


def _place_ids(record) -> tuple[int | None, int | None, int | None]:
    return (record.subdistrict_id, record.district_id, record.governorate_id)


def _place_copy(record: AssistanceRecord, visit: MonitoringVisit) -> None:
    """A line is where its visit is."""
    record.subdistrict_id, record.district_id, record.governorate_id = _place_ids(visit)


def visit_errors(
    *, project: Project | None, visit_date: dt.date | None, today: dt.date | None = None
) -> dict[str, str]:
    """What is wrong with a visit's project and date, as {field: message}:
    a date in the future or outside the project's period. Empty when all is well."""
    errors: dict[str, str] = {}
    if visit_date is None:
        return errors
    today = today or timezone.localdate()
    if visit_date > today:
        errors["visit_date"] = _(
            "This date is in the future (today is %(today)s). Record a visit once it has "
            "taken place, with the day you were there."
        ) % {"today": _day(today)}
    elif project is not None and visit_date < project.start_date:
        errors["visit_date"] = _(
            "Project %(code)s started on %(start)s, after this date. Check the date, or "
            "choose the project you visited."
        ) % {"code": project.code, "start": _day(project.start_date)}
    elif project is not None and project.end_date and visit_date > project.end_date:
        errors["visit_date"] = _(
            "Project %(code)s ended on %(end)s, before this date. Check the date, or "
            "choose the project you visited."
        ) % {"code": project.code, "end": _day(project.end_date)}
    return errors


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def line_date_errors(
    *, project: Project | None, visit_date: dt.date, delivered_on: dt.date | None
) -> dict[str, str]:
    """What is wrong with the date an assistance line carries, as {field:
    message}. A line verified on a visit may be dated earlier than the visit
    (assistance delivered before the monitor saw it), within the visit's
    period: from the first day of the visit's quarter to the visit's day,
    and not before the project started. None (the visit's day) is always
    fine. Empty when all is well."""
    if delivered_on is None or delivered_on == visit_date:
        return {}
    first = _quarter_start(visit_date)
    if project is not None and project.start_date > first:
        first = project.start_date
    if first <= delivered_on <= visit_date:
        return {}
    return {
        "delivered_on": _(
            "A line of this visit must be dated within the visit's period, from %(first)s "
            "to the visit's day, %(day)s."
        )
        % {"first": _day(first), "day": _day(visit_date)}
    }


def activity_fits_sector(activity_type: ActivityType, project: Project) -> bool:
    """Whether ``activity_type`` is delivered in ``project``'s sector; an
    activity type that lists no sectors fits every sector. One query."""
    sectors = set(activity_type.sectors.values_list("pk", flat=True))
    return not sectors or project.sector_id in sectors


def assistance_line_errors(
    *,
    project: Project | None,
    activity_type: ActivityType | None,
    units: int | None,
    households: int | None,
    people: int | None,
    household_size: int | None,
    recipients: Mapping[str, int | None],
) -> dict[str, str]:
    """What is wrong with one line of assistance, as {field: message}: more
    households than people, recipients by sex, by age or by population group
    adding up to more than the people, a crossing beyond its splits, a household size outside 1..30, or an activity
    type that does not fit the project's sector. Empty when all is well."""
    record = AssistanceRecord(
        units=units or 0,
        households=households or 0,
        people=people or 0,
        household_size=household_size,
        **splits_resolve(recipients),
    )
    errors: dict[str, str] = {}
    try:
        record.clean()
    except ValidationError as exc:
        errors.update({field: " ".join(messages) for field, messages in exc.message_dict.items()})
    if activity_type is not None and project is not None:
        if not activity_fits_sector(activity_type, project):
            errors["activity_type"] = _(
                "“%(activity)s” is not delivered in the %(sector)s sector of project "
                "%(code)s. Choose an activity type of that sector, or check the project."
            ) % {"activity": activity_type.name, "sector": project.sector, "code": project.code}
    return errors


# --- Visits -----------------------------------------------------------------------


@transaction.atomic
def visit_create(
    *,
    user,
    project: Project,
    visit_date: dt.date,
    findings: str = "",
    place: Place | None = None,
    client_id: uuid.UUID | None = None,
) -> MonitoringVisit:
    """A new draft visit by ``user`` to ``project``, which must be in their
    scope, at ``place`` inside the project's coverage (None: the project's
    one place; ``place_errors``);
    ``client_id`` (the phone's id of it) is unique: a second visit with it
    raises ``IntegrityError``."""
    if not projects_for_user(user).filter(pk=project.pk).exists():
        raise ValidationError({"project": _("This project is not in your governorates.")})
    _raise_if(
        {
            **visit_errors(project=project, visit_date=visit_date),
            **(
                place_errors(project=project, place=place)
                or place_scope_errors(user=user, place=place)
            ),
        }
    )
    visit = MonitoringVisit(
        project=project,
        monitor=user,
        visit_date=visit_date,
        findings=findings,
        client_id=client_id,
    )
    place_settle(visit, project=project, place=place)
    _save(visit, user=user)
    return visit


@transaction.atomic
def visit_update(
    *,
    visit: MonitoringVisit,
    user,
    project: Project,
    visit_date: dt.date,
    findings: str,
    place: Place | None = None,
) -> MonitoringVisit:
    """Change a draft or returned visit; its assistance lines move with it to
    the new project, date and place (None: the project's one place).
    The visit keeps its status."""
    visit = _locked(visit)
    _require_editable(visit)
    if project.pk != visit.project_id and (
        not projects_for_user(user).filter(pk=project.pk).exists()
    ):
        raise ValidationError({"project": _("This project is not in your governorates.")})
    _raise_if(
        {
            **visit_errors(project=project, visit_date=visit_date),
            **(
                place_errors(project=project, place=place)
                or place_scope_errors(user=user, place=place)
            ),
        }
    )
    # A line dated the visit's day moves with it; a line with its own date
    # keeps it, if it is still within the visit's period.
    old_date = visit.visit_date
    records = list(visit.assistance.all())
    dates = {r.pk: visit_date if r.delivered_on == old_date else r.delivered_on for r in records}
    for record in records:
        if line_date_errors(project=project, visit_date=visit_date, delivered_on=dates[record.pk]):
            raise ValidationError(
                {
                    "visit_date": _(
                        "A line of this visit is dated %(day)s, outside the period of a visit "
                        "on this day. Change the line's date first."
                    )
                    % {"day": _day(dates[record.pk])}
                }
            )
    visit.project, visit.visit_date, visit.findings = project, visit_date, findings
    place_settle(visit, project=project, place=place)
    _save(visit, user=user)
    reach_lines_move_together()  # the lines of a shared reach move one by one
    for record in records:
        if (record.project_id, record.delivered_on, *_place_ids(record)) != (
            project.pk,
            dates[record.pk],
            *_place_ids(visit),
        ):
            record.project, record.delivered_on = project, dates[record.pk]
            _place_copy(record, visit)
            _save(record, user=user)
    for response in visit.feedback.exclude(project=project, collected_on=visit_date):
        response.project, response.collected_on = project, visit_date
        _save(response, user=user)
    return visit


def _move(visit: MonitoringVisit, *, user, status: str, reason: str) -> list:
    """Save the visit and give its assistance records and feedback responses
    ``status``; returns the scopes they count in, after the move."""
    _save(visit, user=user, reason=reason)
    records = list(visit.assistance.select_related("project"))
    responses = list(visit.feedback.select_related("project"))
    for record in [*records, *responses]:
        if record.status != status:
            record.status = status
            _save(record, user=user, reason=reason)
    return [assistance_scope(records), *(scope_of(response) for response in responses)]


def _scopes(visit: MonitoringVisit) -> list:
    """What the visit, its assistance records and its feedback count in, as they are now."""
    return [
        scope_of(visit),
        assistance_scope(visit.assistance.select_related("project")),
        *(scope_of(response) for response in visit.feedback.select_related("project")),
    ]


@transaction.atomic
def visit_submit(*, visit: MonitoringVisit, user) -> MonitoringVisit:
    """Send a draft or returned visit for review. It needs its findings and
    valid assistance lines; the reason it was returned is cleared (it stays
    in the history)."""
    visit = _locked(visit)
    _require_editable(visit)
    errors = visit_errors(project=visit.project, visit_date=visit.visit_date)
    if not visit.findings.strip():
        errors["findings"] = _("Write what you found before submitting the visit.")
    _raise_if(errors)
    for record in visit.assistance.select_related("activity_type"):
        line = assistance_line_errors(
            project=visit.project,
            activity_type=record.activity_type,
            units=record.units,
            households=record.households,
            people=record.people,
            household_size=record.household_size,
            recipients={
                **{
                    column: getattr(record, column) for column in [*SPLIT_FIELDS, *RECIPIENT_FIELDS]
                },
                "crossings": record.crossings,
            },
        )
        if line:
            raise ValidationError(
                _("Correct the assistance line “%(line)s” before submitting: %(problems)s")
                % {"line": record.activity_type.name, "problems": " ".join(line.values())}
            )
    visit.status = ReviewStatus.SUBMITTED
    visit.submitted_at = timezone.now()
    visit.return_reason = ""
    _move(visit, user=user, status=ReviewStatus.SUBMITTED, reason=_("Submitted for review"))
    return visit


@transaction.atomic
def visit_approve(*, visit: MonitoringVisit, user) -> MonitoringVisit:
    """Approve a submitted visit: it, its assistance records and its feedback
    responses are approved, so they count in indicators, recomputed after
    commit. Nobody approves their own visit."""
    visit = _locked(visit)
    if visit.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Only a visit waiting for review can be approved."))
    if visit.monitor_id == user.pk:
        raise ValidationError(_("Somebody else must review your own visit."))
    before = _scopes(visit)
    visit.status = ReviewStatus.APPROVED
    visit.reviewed_at = timezone.now()
    visit.reviewed_by = user
    after = _move(visit, user=user, status=ReviewStatus.APPROVED, reason=_("Approved"))
    recompute_after_change(scopes=[*before, scope_of(visit), *after])
    return visit


@transaction.atomic
def visit_return(*, visit: MonitoringVisit, user, reason: str) -> MonitoringVisit:
    """Return a submitted or approved visit to its monitor with ``reason``;
    its assistance records and feedback responses stop counting. Returning an approved visit
    recomputes the indicators it counted in. The monitor is told, with the
    reason (``programmes.notifications``)."""
    visit = _locked(visit)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say what the monitor must correct: they will read it.")}
        )
    if visit.status not in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
        raise ValidationError(_("Only a submitted or approved visit can be returned."))
    was_approved = visit.status == ReviewStatus.APPROVED
    before = _scopes(visit)
    visit.status = ReviewStatus.RETURNED
    visit.return_reason = reason
    visit.reviewed_at = timezone.now()
    visit.reviewed_by = user
    after = _move(visit, user=user, status=ReviewStatus.RETURNED, reason=_("Returned"))
    if was_approved:
        recompute_after_change(scopes=[*before, scope_of(visit), *after])
    notify(
        users=[visit.monitor],
        kind=NotificationKind.VISIT_RETURNED,
        params={
            "project": f"{visit.project.code} {visit.project.name}",
            "visit_date": visit.visit_date.isoformat(),
            "reason": reason,
        },
        url=reverse("beneficiaries:visit_detail", args=[visit.pk]),
    )
    return visit


# --- Assistance lines and referrals ------------------------------------------------


@transaction.atomic
def assistance_line_save(
    *,
    visit: MonitoringVisit,
    user,
    record: AssistanceRecord | None = None,
    activity_type: ActivityType,
    units: int,
    households: int,
    people: int,
    household_size: int | None,
    recipients: Mapping[str, int | None],
    delivered_on: dt.date | None = None,
    reach: SharedReach | None = None,
) -> AssistanceRecord:
    """Create (``record`` None) or change one line of assistance a draft or
    returned visit verifies: delivered to the visit's project, dated
    ``delivered_on`` (None: the visit's day; an earlier day must be within
    the visit's period, ``line_date_errors``), at the visit's place,
    with the visit's status. ``recipients`` maps split columns (``sex_f``,
    ``age_18_59``, ``pop_idp`` ...: not given is not recorded) and crossing
    cells (``recipient_field``: not given is 0) to counts; a dimension with
    no split column given takes the cells' sums (``splits_resolve``). A line
    sharing ``reach`` records no households or people of its own (the caller
    checked, ``reach.shared_reach_errors``)."""
    _require_editable(visit)
    if record is not None and record.visit_id != visit.pk:
        raise ValidationError(_("This assistance line belongs to another visit."))
    if reach is not None and (households or people or household_size is not None):
        raise ValidationError(
            {
                "households": _(
                    "This line shares a reach with other lines: its households, people and "
                    "household size are the shared reach's, counted once."
                )
            }
        )
    _raise_if(
        assistance_line_errors(
            project=visit.project,
            activity_type=activity_type,
            units=units,
            households=households,
            people=people,
            household_size=household_size,
            recipients=recipients,
        )
        | line_date_errors(
            project=visit.project, visit_date=visit.visit_date, delivered_on=delivered_on
        )
    )
    record = record or AssistanceRecord(visit=visit)
    record.project = visit.project
    record.delivered_on = delivered_on or visit.visit_date
    _place_copy(record, visit)
    record.status = visit.status
    record.activity_type = activity_type
    record.units, record.households, record.people = units, households, people
    record.household_size = household_size
    record.set_splits(recipients)
    record.reach = reach
    _save(record, user=user)
    return record


@transaction.atomic
def assistance_line_delete(*, visit: MonitoringVisit, user, record: AssistanceRecord) -> None:
    """Remove a line from a draft or returned visit (its history stays)."""
    _require_editable(visit)
    if record.visit_id != visit.pk:
        raise ValidationError(_("This assistance line belongs to another visit."))
    record._history_user = user
    record.delete()


@transaction.atomic
def referral_save(
    *,
    visit: MonitoringVisit,
    user,
    referral: Referral | None = None,
    issue: str,
    referred_to: str,
    closed_on: dt.date | None = None,
) -> Referral:
    """Create (``referral`` None) or change an issue found on a draft or
    returned visit and whom it was referred to."""
    _require_editable(visit)
    if referral is not None and referral.visit_id != visit.pk:
        raise ValidationError(_("This referral belongs to another visit."))
    referral = referral or Referral(visit=visit)
    referral.issue, referral.referred_to, referral.closed_on = issue, referred_to, closed_on
    _save(referral, user=user)
    return referral


@transaction.atomic
def referral_delete(*, visit: MonitoringVisit, user, referral: Referral) -> None:
    """Remove a referral from a draft or returned visit (its history stays)."""
    _require_editable(visit)
    if referral.visit_id != visit.pk:
        raise ValidationError(_("This referral belongs to another visit."))
    referral._history_user = user
    referral.delete()


@transaction.atomic
def referral_close(*, referral: Referral, user, closed_on: dt.date) -> Referral:
    """Mark a referral closed on ``closed_on`` (the issue was dealt with by
    whom it was referred to). Any time after the visit was submitted: a
    referral lives on after the review. Who may do it (a manager of the
    visit's scope, or an administrator) is decided by the caller
    (``access.referral_for_user``)."""
    referral = Referral.objects.select_for_update().select_related("visit").get(pk=referral.pk)
    if referral.visit.status == ReviewStatus.DRAFT:
        raise ValidationError(_("A referral of a draft visit is closed by editing the visit."))
    if referral.closed_on is not None:
        raise ValidationError(
            _("This referral was already closed on %(day)s.") % {"day": _day(referral.closed_on)}
        )
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("This date is in the future.")})
    if closed_on < referral.visit.visit_date:
        raise ValidationError(
            {
                "closed_on": _(
                    "The issue was found on %(day)s, during the visit: it cannot have been "
                    "closed before."
                )
                % {"day": _day(referral.visit.visit_date)}
            }
        )
    referral.closed_on = closed_on
    _save(referral, user=user, reason=_("Closed"))
    return referral
