"""Reads for the project-level pages."""

from __future__ import annotations

from django.db.models import Count, Q

from beneficiaries.models import MonitoringVisit, Photo, ReviewStatus
from beneficiaries.selectors import visits_for_user
from programmes.access import programmes_for_user, projects_for_user, user_role
from programmes.models import UserProfile


def home_summary(*, user) -> dict:
    """What the home page shows ``user``: their role and, within their scope,
    the number of programmes and projects, and visits by review status: a
    monitor their own drafts, returned and submitted visits; a manager or
    administrator the visits to review, approved and returned (never others'
    drafts); a donor none (they never see unapproved work). Three queries."""
    projects = projects_for_user(user)
    role = user_role(user)
    summary = {
        "role": role,
        "programmes": programmes_for_user(user).count(),
        "projects": projects.count(),
        "visits": None,
    }
    visits = MonitoringVisit.objects.filter(project__in=projects)
    if role == "monitor":
        summary["visits"] = visits.filter(monitor=user).aggregate(
            draft=Count("pk", filter=Q(status=ReviewStatus.DRAFT)),
            returned=Count("pk", filter=Q(status=ReviewStatus.RETURNED)),
            submitted=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
        )
    elif role in ("manager", "admin"):
        summary["visits"] = visits.aggregate(
            submitted=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
            approved=Count("pk", filter=Q(status=ReviewStatus.APPROVED)),
            returned=Count("pk", filter=Q(status=ReviewStatus.RETURNED)),
        )
    return summary


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
        status=ReviewStatus.APPROVED, project__in=projects_for_user(user)
    )
    return (
        Photo.objects.filter(image=name)
        .filter(Q(visit__in=visits_for_user(user)) | Q(visit__in=approved_in_scope))
        .first()
    )
