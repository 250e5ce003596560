"""Reads for the home page."""

from __future__ import annotations

from django.db.models import Count, Q

from beneficiaries.access import visits_for_user
from beneficiaries.models import ReviewStatus
from programmes.access import programmes_for_user, projects_for_user, user_role


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
    visits = visits_for_user(user)
    if role == "monitor":
        summary["visits"] = visits.aggregate(
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
