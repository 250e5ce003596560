"""Reads for the project-level pages."""

from __future__ import annotations

from django.db.models import Count, Q

from beneficiaries.models import MonitoringVisit, ReviewStatus
from programmes.access import programmes_for_user, projects_for_user, user_role


def home_summary(*, user) -> dict:
    """What the home page shows ``user``: their role and, within their scope,
    the number of programmes and projects, and visits by review status (none
    for a donor, who never sees unapproved work). Three queries."""
    projects = projects_for_user(user)
    role = user_role(user)
    summary = {
        "role": role,
        "programmes": programmes_for_user(user).count(),
        "projects": projects.count(),
        "visits": None,
    }
    if role not in (None, "donor"):
        summary["visits"] = MonitoringVisit.objects.filter(project__in=projects).aggregate(
            submitted=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
            approved=Count("pk", filter=Q(status=ReviewStatus.APPROVED)),
            draft=Count("pk", filter=Q(status=ReviewStatus.DRAFT)),
            returned=Count("pk", filter=Q(status=ReviewStatus.RETURNED)),
        )
    return summary
