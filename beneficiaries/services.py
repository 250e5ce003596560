"""Writes of field data entry: monitoring visits, the assistance they verify,
their referrals and photos, and the review workflow.

draft → submitted → approved, or returned with a reason; a returned visit is
corrected and submitted again, and an approved visit can still be returned.
The visit's assistance records follow its status, so only the lines of an
approved visit count in indicators; approving, and returning an approved
visit, ask for the incremental recomputation of what the lines count in.

Who may call what is decided before, by ``selectors.visit_for_user``; these
services check the data and the state. Every save names its user in the
record's history. A rule broken raises ``ValidationError`` with a message a
monitor understands, by field where there is one; the forms show the same
messages, from the same functions (``visit_errors``, ``assistance_line_errors``).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Mapping
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from beneficiaries.models import (
    RECIPIENT_FIELDS,
    ActivityType,
    AssistanceRecord,
    MonitoringVisit,
    Photo,
    Referral,
    ReviewStatus,
)
from beneficiaries.selectors import EDITABLE_STATUSES
from indicators.services import assistance_scope, recompute_after_change, scope_of
from programmes.access import projects_for_user
from programmes.models import Project

PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024


# --- Rules ------------------------------------------------------------------------


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


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
    households than people, recipients by sex, age and population group adding
    up to more than the people, a household size outside 1..30, or an activity
    type that does not fit the project's sector. Empty when all is well."""
    record = AssistanceRecord(
        units=units or 0,
        households=households or 0,
        people=people or 0,
        household_size=household_size,
        **{column: recipients.get(column) or 0 for column in RECIPIENT_FIELDS},
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


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _require_editable(visit: MonitoringVisit) -> None:
    if visit.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("This visit is %(status)s: it can no longer be changed.")
            % {"status": visit.get_status_display().lower()}
        )


def _locked(visit: MonitoringVisit) -> MonitoringVisit:
    """The visit re-read under a row lock, so that two reviewers (or a reviewer
    and the monitor) cannot move it at the same time."""
    return MonitoringVisit.objects.select_for_update().select_related("project").get(pk=visit.pk)


def _save(instance, *, user, reason: str = "", **kwargs) -> None:
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save(**kwargs)


# --- Visits -----------------------------------------------------------------------


@transaction.atomic
def visit_create(
    *, user, project: Project, visit_date: dt.date, findings: str = ""
) -> MonitoringVisit:
    """A new draft visit by ``user`` to ``project``, which must be in their scope."""
    if not projects_for_user(user).filter(pk=project.pk).exists():
        raise ValidationError({"project": _("This project is not in your governorates.")})
    _raise_if(visit_errors(project=project, visit_date=visit_date))
    visit = MonitoringVisit(project=project, monitor=user, visit_date=visit_date, findings=findings)
    _save(visit, user=user)
    return visit


@transaction.atomic
def visit_update(
    *, visit: MonitoringVisit, user, project: Project, visit_date: dt.date, findings: str
) -> MonitoringVisit:
    """Change a draft or returned visit; its assistance lines move with it to
    the new project and date. The visit keeps its status."""
    visit = _locked(visit)
    _require_editable(visit)
    if project.pk != visit.project_id and (
        not projects_for_user(user).filter(pk=project.pk).exists()
    ):
        raise ValidationError({"project": _("This project is not in your governorates.")})
    _raise_if(visit_errors(project=project, visit_date=visit_date))
    visit.project, visit.visit_date, visit.findings = project, visit_date, findings
    _save(visit, user=user)
    for record in visit.assistance.exclude(project=project, delivered_on=visit_date):
        record.project, record.delivered_on = project, visit_date
        _save(record, user=user)
    return visit


def _move(visit: MonitoringVisit, *, user, status: str, reason: str) -> list[AssistanceRecord]:
    """Save the visit and give its assistance records ``status``; returns the records."""
    _save(visit, user=user, reason=reason)
    records = list(visit.assistance.select_related("project"))
    for record in records:
        if record.status != status:
            record.status = status
            _save(record, user=user, reason=reason)
    return records


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
            recipients={column: getattr(record, column) for column in RECIPIENT_FIELDS},
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
    """Approve a submitted visit: it and its assistance records are approved,
    so they count in indicators, recomputed after commit. Nobody approves
    their own visit."""
    visit = _locked(visit)
    if visit.status != ReviewStatus.SUBMITTED:
        raise ValidationError(_("Only a visit waiting for review can be approved."))
    if visit.monitor_id == user.pk:
        raise ValidationError(_("Somebody else must review your own visit."))
    before = [scope_of(visit), assistance_scope(visit.assistance.select_related("project"))]
    visit.status = ReviewStatus.APPROVED
    visit.reviewed_at = timezone.now()
    visit.reviewed_by = user
    records = _move(visit, user=user, status=ReviewStatus.APPROVED, reason=_("Approved"))
    recompute_after_change(scopes=[*before, scope_of(visit), assistance_scope(records)])
    return visit


@transaction.atomic
def visit_return(*, visit: MonitoringVisit, user, reason: str) -> MonitoringVisit:
    """Return a submitted or approved visit to its monitor with ``reason``;
    its assistance records stop counting. Returning an approved visit
    recomputes the indicators it counted in."""
    visit = _locked(visit)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say what the monitor must correct: they will read it.")}
        )
    if visit.status not in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED):
        raise ValidationError(_("Only a submitted or approved visit can be returned."))
    was_approved = visit.status == ReviewStatus.APPROVED
    before = [scope_of(visit), assistance_scope(visit.assistance.select_related("project"))]
    visit.status = ReviewStatus.RETURNED
    visit.return_reason = reason
    visit.reviewed_at = timezone.now()
    visit.reviewed_by = user
    records = _move(visit, user=user, status=ReviewStatus.RETURNED, reason=_("Returned"))
    if was_approved:
        recompute_after_change(scopes=[*before, scope_of(visit), assistance_scope(records)])
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
) -> AssistanceRecord:
    """Create (``record`` None) or change one line of assistance a draft or
    returned visit verifies: delivered to the visit's project, dated the
    visit's day, with the visit's status. ``recipients`` maps breakdown
    columns (``recipient_field``) to counts; columns not given are 0."""
    _require_editable(visit)
    if record is not None and record.visit_id != visit.pk:
        raise ValidationError(_("This assistance line belongs to another visit."))
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
    )
    record = record or AssistanceRecord(visit=visit)
    record.project = visit.project
    record.delivered_on = visit.visit_date
    record.status = visit.status
    record.activity_type = activity_type
    record.units, record.households, record.people = units, households, people
    record.household_size = household_size
    for column in RECIPIENT_FIELDS:
        setattr(record, column, recipients.get(column) or 0)
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


# --- Photos -----------------------------------------------------------------------


def strip_photo_metadata(upload: UploadedFile) -> ContentFile:
    """The uploaded image re-encoded without its metadata (EXIF with GPS
    position, camera, date), turned upright first since the orientation tag
    goes too. Only the pixels (and the colour profile) are kept."""
    upload.seek(0)
    with Image.open(upload) as original:
        image_format = original.format
        upright = ImageOps.exif_transpose(original)
        # A new image from the raw pixels carries no ``info`` at all, whatever
        # a format's writer would otherwise copy from the original.
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        if upright.mode == "P" and upright.getpalette():
            clean.putpalette(upright.getpalette())
        options = {}
        if image_format == "JPEG":
            options["quality"] = 90
        if upright.info.get("icc_profile"):
            # The colour profile says nothing about where or who; keep colours true.
            options["icc_profile"] = upright.info["icc_profile"]
        buffer = BytesIO()
        clean.save(buffer, format=image_format, **options)
    return ContentFile(buffer.getvalue(), name=os.path.basename(upload.name))


def photo_check(upload: UploadedFile) -> str:
    """The format ("JPEG" or "PNG") of an uploaded photo, read from its
    content whatever its name says; raises ValidationError for anything else,
    a damaged image or a file above 10 MB."""
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s MB; a photo can be at most 10 MB. Send a smaller one.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}"}
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except Exception:  # Pillow raises many types for a file that is not an image
        image_format = None
    upload.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(
            _("This file is not a JPEG or PNG photo, whatever its name says. Choose a photo.")
        )
    return image_format


@transaction.atomic
def photo_add(
    *, visit: MonitoringVisit, user, image: UploadedFile, caption: str, credit: str
) -> Photo:
    """Store a photo of a draft or returned visit with its caption and credit,
    after checking it is a JPEG or PNG of at most 10 MB and removing its
    location and device metadata. The stored name is random: a phone's file
    name can say where and when."""
    _require_editable(visit)
    image_format = photo_check(image)
    clean = strip_photo_metadata(image)
    clean.name = f"{uuid.uuid4().hex}.{PHOTO_FORMATS[image_format]}"
    photo = Photo(visit=visit, image=clean, caption=caption, credit=credit)
    _save(photo, user=user)
    return photo


@transaction.atomic
def photo_delete(*, visit: MonitoringVisit, user, photo: Photo) -> None:
    """Remove a photo of a draft or returned visit, with its file."""
    _require_editable(visit)
    if photo.visit_id != visit.pk:
        raise ValidationError(_("This photo belongs to another visit."))
    storage, name = photo.image.storage, photo.image.name
    photo._history_user = user
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
