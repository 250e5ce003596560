"""Who may see which field record: the access rules of the beneficiaries app,
used by its pages, the API, the exports and the media view alike."""

from __future__ import annotations

from django.db.models import Q

from beneficiaries.models import MonitoringVisit, Photo, ReviewStatus
from beneficiaries.selectors import visits_for_user
from programmes.access import projects_for_user, user_role
from programmes.models import UserProfile


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
            visit__status=ReviewStatus.APPROVED,
            visit__project__in=projects_for_user(user),
            visit__project__programme__in=programmes,
        )
        .select_related("visit__project__governorate", "visit__project__donor")
        .defer("visit__project__governorate__boundary")
        .order_by("-visit__visit_date", "-pk")
    )
