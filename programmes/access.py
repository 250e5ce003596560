"""Who may see what of the portfolio: one helper per object type (projects,
programmes, donors, contributions), used by every page, endpoint, export,
admin action and snapshot. Governorates and sectors are reference data
every role reads.

A user with no profile sees nothing unless they are a superuser.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from programmes.models import (
    Contribution,
    Donor,
    Notification,
    Programme,
    Project,
    UserProfile,
)


def user_role(user) -> str | None:
    """The user's role, or None for an anonymous user or one with no profile.
    A superuser is an administrator whatever their profile says."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return UserProfile.Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def projects_for_user(user) -> QuerySet[Project]:
    """The projects ``user`` may see: an administrator all; a manager those in
    their programmes or governorates; a monitor those in their governorates; a
    donor those their organisation funds; anyone else none."""
    role = user_role(user)
    projects = Project.objects.all()
    if role == UserProfile.Role.ADMIN:
        return projects
    if role == UserProfile.Role.MANAGER:
        profile = user.profile
        return projects.filter(
            Q(programme__in=profile.programmes.all())
            | Q(governorate__in=profile.governorates.all())
        )
    if role == UserProfile.Role.MONITOR:
        return projects.filter(governorate__in=user.profile.governorates.all())
    if role == UserProfile.Role.DONOR:
        return projects.filter(donor_id=user.profile.donor_id)
    return projects.none()


def programmes_for_user(user) -> QuerySet[Programme]:
    """The programmes ``user`` may see: those with a project in their scope, and
    for a manager also the programmes they manage; for a donor also those their
    organisation has contributed to."""
    role = user_role(user)
    if role == UserProfile.Role.ADMIN:
        return Programme.objects.all()
    scope = Q(projects__in=projects_for_user(user))
    if role == UserProfile.Role.MANAGER:
        scope |= Q(pk__in=user.profile.programmes.all())
    if role == UserProfile.Role.DONOR:
        scope |= Q(contributions__donor_id=user.profile.donor_id)
    if role is None:
        return Programme.objects.none()
    return Programme.objects.filter(scope).distinct()


def donors_for_user(user) -> QuerySet[Donor]:
    """The donors ``user`` may see: a donor user their own organisation;
    staff every donor (the dashboards' filter lists them all)."""
    role = user_role(user)
    if role == UserProfile.Role.DONOR:
        return Donor.objects.filter(pk=user.profile.donor_id)
    if role is None:
        return Donor.objects.none()
    return Donor.objects.all()


def contributions_for_user(user) -> QuerySet[Contribution]:
    """The contributions ``user`` may see, as the dashboards show them: an
    administrator all; a donor their organisation's; a manager those to the
    programmes they manage; a monitor none (contributions are recorded per
    programme, not per governorate)."""
    role = user_role(user)
    contributions = Contribution.objects.all()
    if role == UserProfile.Role.ADMIN:
        return contributions
    if role == UserProfile.Role.DONOR:
        return contributions.filter(donor_id=user.profile.donor_id)
    if role == UserProfile.Role.MANAGER:
        return contributions.filter(programme__in=user.profile.programmes.all())
    return contributions.none()


def notifications_for_user(user) -> QuerySet[Notification]:
    """The notifications ``user`` may read: their own, whatever their role."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def notification_for_user(user, pk) -> Notification:
    """The notification ``pk`` if it is ``user``'s; Http404 otherwise."""
    try:
        return notifications_for_user(user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
