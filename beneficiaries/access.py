"""Who may see or do what with the field records: every access rule of the
beneficiaries app (visits, their assistance lines, feedback, referrals,
photos and imports), used by its pages, the API, the exports, the admin's
review actions and the media view alike.

Helpers named ``<things>_for_user(user)`` give the queryset a user may read;
``<thing>_for_user(user, pk, ...)`` fetch one object or raise Http404 (an
object outside a user's reach is "not found", never "forbidden", so that its
existence is not disclosed either); ``<thing>_can_<do>(user, ...)`` answer
yes or no without a query.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404

from beneficiaries.models import (
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Photo,
    Referral,
    ReviewStatus,
    VisitLocation,
)
from programmes.access import place_scope, projects_for_user, user_role
from programmes.models import Project, UserProfile

Role = UserProfile.Role
EDITABLE_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)
IMPORT_ROLES = (Role.MONITOR, Role.MANAGER, Role.ADMIN)


# --- Visits ---------------------------------------------------------------------------


def visits_for_user(user) -> QuerySet[MonitoringVisit]:
    """The visits ``user`` may see: a monitor their own, in their governorates;
    a manager those of the projects in their scope except drafts (a draft is
    its monitor's until submitted); an administrator all; a donor, or a user
    without a role, none (donors see approved figures, never the visits)."""
    role = user_role(user)
    visits = MonitoringVisit.objects.all()
    if role == Role.ADMIN:
        return visits
    if role == Role.MANAGER:
        return visits.filter(place_scope(user)).exclude(status=ReviewStatus.DRAFT)
    if role == Role.MONITOR:
        return visits.filter(place_scope(user), monitor=user)
    return visits.none()


def visit_locations_for_user(user) -> QuerySet[VisitLocation]:
    """The visits' locations ``user`` may see: those of the visits they may
    see (``visits_for_user``), so staff in scope only; never a donor's, nor
    anyone's without a role."""
    if user_role(user) not in (Role.MONITOR, Role.MANAGER, Role.ADMIN):
        return VisitLocation.objects.none()
    return VisitLocation.objects.filter(visit__in=visits_for_user(user))


def visit_location_for_user(user, visit: MonitoringVisit) -> VisitLocation | None:
    """The location of ``visit`` if ``user`` may read it: staff of its scope
    (the caller fetched ``visit`` through ``visits_for_user`` or
    ``visit_for_user``); None for anyone else, a donor above all, and for a
    visit with no location. Reads what ``select_related("location")`` brought."""
    if user_role(user) not in (Role.MONITOR, Role.MANAGER, Role.ADMIN):
        return None
    return getattr(visit, "location", None)  # None when the visit has none


def assistance_for_user(user) -> QuerySet[AssistanceRecord]:
    """The assistance records ``user`` may read, for the API and the exports:
    an administrator all; a manager those of the projects in their scope but
    drafts (a draft is its monitor's until submitted); a monitor the lines of
    their own visits (``visits_for_user``); a donor (aggregates only) or a
    user without a role none."""
    role = user_role(user)
    records = AssistanceRecord.objects.all()
    if role == Role.ADMIN:
        return records
    if role == Role.MANAGER:
        return records.filter(place_scope(user)).exclude(status=ReviewStatus.DRAFT)
    if role == Role.MONITOR:
        return records.filter(visit__in=visits_for_user(user))
    return records.none()


def visit_for_user(user, pk, *, write: bool = False, review: bool = False) -> MonitoringVisit:
    """The visit ``pk`` if ``user`` may see it; with ``write``, only if they may
    change it (its monitor, or an administrator, while it is a draft or
    returned); with ``review``, only if they may approve or return it (a
    manager of its scope or an administrator, not its own monitor). Raises
    Http404 otherwise."""
    visits = visits_for_user(user).select_related(
        "project__programme",
        "project__governorate",
        "project__sector",
        "project__donor",
        "monitor",
        "reviewed_by",
    )
    role = user_role(user)
    if write:
        if role not in (Role.MONITOR, Role.ADMIN):
            raise Http404
        visits = visits.filter(status__in=EDITABLE_STATUSES)
    if review:
        if role not in (Role.MANAGER, Role.ADMIN):
            raise Http404
        visits = visits.exclude(monitor=user)
    try:
        return visits.defer("project__governorate__boundary").get(pk=pk)
    except (MonitoringVisit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visit_can_write(user, visit: MonitoringVisit) -> bool:
    """Whether ``user`` may change ``visit`` (see ``visit_for_user``); no query."""
    role = user_role(user)
    if visit.status not in EDITABLE_STATUSES:
        return False
    return role == Role.ADMIN or (role == Role.MONITOR and visit.monitor_id == user.pk)


def visit_can_review(user, visit: MonitoringVisit) -> bool:
    """Whether ``user`` may approve or return ``visit`` now; no query."""
    return (
        user_role(user) in (Role.MANAGER, Role.ADMIN)
        and visit.monitor_id != user.pk
        and visit.status in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED)
    )


def visit_can_close_referrals(user, visit: MonitoringVisit) -> bool:
    """Whether ``user`` may mark the referrals of ``visit`` closed: a manager
    of its scope or an administrator, once the visit is no longer a draft
    (the visit was fetched through ``visit_for_user``); no query."""
    return user_role(user) in (Role.MANAGER, Role.ADMIN) and visit.status != ReviewStatus.DRAFT


def referral_for_user(user, visit_pk, pk) -> Referral:
    """The referral ``pk`` of visit ``visit_pk`` if ``user`` may close it (see
    ``visit_can_close_referrals``); Http404 otherwise."""
    visit = visit_for_user(user, visit_pk)
    if not visit_can_close_referrals(user, visit):
        raise Http404
    try:
        return visit.referrals.select_related("visit").get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visit_can_create(user) -> bool:
    """Whether ``user`` records visits: field staff and administrators."""
    return user_role(user) in (Role.MONITOR, Role.ADMIN)


def visit_projects(user) -> QuerySet[Project]:
    """The projects ``user`` may record a visit to (a monitor: those in their
    governorates), with what the choice list shows."""
    if not visit_can_create(user):
        return Project.objects.none()
    return (
        projects_for_user(user)
        .select_related("governorate")
        .only(
            "code",
            "name",
            "start_date",
            "end_date",
            "sector_id",
            "national",
            "district_id",
            "governorate__name_iom",
        )
    )


def visit_sent_before(user, client_id) -> tuple[MonitoringVisit | None, bool]:
    """The visit ``user`` already recorded with a phone's ``client_id`` (a
    retried send), and whether that id is taken by another user's visit
    (then the visit itself is not given: it is not theirs to see)."""
    owners = MonitoringVisit.objects.filter(client_id=client_id).values_list("pk", "monitor_id")
    for pk, monitor_id in owners:
        if monitor_id == user.pk:
            return visit_for_user(user, pk), False
        return None, True
    return None, False


# --- Assistance lines, feedback and referrals --------------------------------------


def feedback_for_user(user) -> QuerySet[FeedbackResponse]:
    """The feedback responses ``user`` may read, as the assistance lines: an
    administrator all; a manager those of the projects in their scope but
    drafts; a monitor those of their own visits; a donor none."""
    role = user_role(user)
    responses = FeedbackResponse.objects.all()
    if role == Role.ADMIN:
        return responses
    if role == Role.MANAGER:
        # Collected on a visit: where the visit was; else as the project is.
        by_visit = Q(visit__isnull=False) & place_scope(user, "visit__")
        by_project = Q(visit__isnull=True, project__in=projects_for_user(user))
        return responses.filter(by_visit | by_project).exclude(status=ReviewStatus.DRAFT)
    if role == Role.MONITOR:
        return responses.filter(visit__in=visits_for_user(user))
    return responses.none()


def survey_results_for_user(user) -> QuerySet:
    """The aggregate survey results (``SurveyResult``) ``user`` may read: an
    administrator all; a manager or a monitor those of the projects in their
    scope; a donor none (they see them in the dashboards' distributions)."""
    from beneficiaries.survey_results import SurveyResult

    results = SurveyResult.objects.all()
    role = user_role(user)
    if role == Role.ADMIN:
        return results
    if role in (Role.MANAGER, Role.MONITOR):
        return results.filter(project__in=projects_for_user(user).order_by().values("pk"))
    return results.none()


def record_can_write(user, record) -> bool:
    """Whether ``user`` changes what ``record`` (an assistance line or a
    feedback response) adds to its visit: the visit's monitor or an
    administrator (whether the visit can still change is the service's rule);
    a record without a visit is changed in the admin only."""
    role = user_role(user)
    if record.visit_id is None:
        return False
    return role == Role.ADMIN or (role == Role.MONITOR and record.visit.monitor_id == user.pk)


def referrals_for_user(user) -> QuerySet[Referral]:
    """The referrals ``user`` may read: those of the visits they may see
    (``visits_for_user``)."""
    return Referral.objects.filter(visit__in=visits_for_user(user))


def photo_for_user(user, name: str):
    """The visit photo stored as ``name`` if ``user`` may see it, else None:
    the photos of the visits they may open (``visits_for_user``), and for
    monitors, managers and administrators also those of approved visits on
    projects in their scope (the governorate dashboard shows them). Donors
    see photos only inside the snapshot PDFs, never by URL."""
    role = user_role(user)
    if role not in (UserProfile.Role.MONITOR, UserProfile.Role.MANAGER, UserProfile.Role.ADMIN):
        return None
    approved_in_scope = MonitoringVisit.objects.filter(
        place_scope(user), status=ReviewStatus.APPROVED
    )
    return (
        Photo.objects.filter(image=name)
        .filter(Q(visit__in=visits_for_user(user)) | Q(visit__in=approved_in_scope))
        .first()
    )


# --- Imports --------------------------------------------------------------------------


def import_for_user(user, batch_id) -> dict:
    """The state of import ``batch_id`` if ``user`` started it (and may still
    import); Http404 otherwise, so an import's existence is not disclosed."""
    if user_role(user) not in IMPORT_ROLES:
        raise Http404
    from beneficiaries.imports.status import status_read

    status = status_read(batch_id)
    if status is None or status.get("owner") != user.pk:
        raise Http404
    return status


def import_can_start(user) -> bool:
    """Whether ``user`` imports lists: field staff, managers and administrators."""
    return user_role(user) in IMPORT_ROLES


def import_records_to_review(user, batch_id) -> QuerySet[AssistanceRecord]:
    """The records of import ``batch_id`` waiting for review (submitted) in
    ``user``'s scope; none for a user who does not review."""
    if user_role(user) not in (Role.MANAGER, Role.ADMIN):
        return AssistanceRecord.objects.none()
    return AssistanceRecord.objects.filter(
        place_scope(user),
        import_batch=batch_id,
        status=ReviewStatus.SUBMITTED,
    )


def import_review_for_user(user, batch_id) -> dict:
    """The import ``batch_id`` for review by ``user`` (a manager with records
    of it waiting in their scope, or an administrator): its ``ImportBatch``
    row as a dict (``filename``, ``owner`` ...) with ``owner_user``. Http404 otherwise."""
    from beneficiaries.imports.status import status_read

    if not import_records_to_review(user, batch_id).exists():
        raise Http404
    status = status_read(batch_id) or {"id": str(batch_id), "filename": ""}
    owner = status.get("owner")
    status["owner_user"] = get_user_model().objects.filter(pk=owner).first() if owner else None
    return status


def approved_photos_for_user(user, programmes):
    """The photos of approved visits to projects of ``programmes`` that
    ``user`` may see (a monitor, manager or administrator, projects in their
    scope; nobody else any), newest visit first, with their visit's project,
    donor and governorate: what a snapshot's story may show."""
    role = user_role(user)
    if role not in (UserProfile.Role.MONITOR, UserProfile.Role.MANAGER, UserProfile.Role.ADMIN):
        return Photo.objects.none()
    return (
        Photo.objects.filter(
            place_scope(user, "visit__"),
            visit__status=ReviewStatus.APPROVED,
            visit__project__programme__in=programmes,
        )
        .select_related("visit__governorate", "visit__project__donor")
        .defer("visit__governorate__boundary")
        .order_by("-visit__visit_date", "-pk")
    )
