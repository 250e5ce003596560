"""Who may see what of the portfolio: one helper per object type (projects,
programmes, donors, contributions), used by every page, endpoint, export,
admin action and snapshot. Governorates and sectors are reference data
every role reads.

A user with no profile sees nothing unless they are a superuser.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet, Value
from django.http import Http404

from programmes.models import (
    Contribution,
    Donor,
    Notification,
    Portfolio,
    Programme,
    Project,
    UserProfile,
)
from programmes.models_coverage import ProjectPlace


def user_role(user) -> str | None:
    """The user's role, or None for an anonymous user or one with no profile.
    A superuser is an administrator whatever their profile says."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return UserProfile.Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def _covering(governorates) -> Q:
    """The projects that cover one of ``governorates`` or part of one (a
    district), and the national projects (they cover every governorate)."""
    covered = ProjectPlace.objects.filter(governorate__in=governorates).values("project_id")
    return Q(governorate__in=governorates) | Q(pk__in=covered) | Q(national=True)


def projects_for_user(user) -> QuerySet[Project]:
    """The projects ``user`` may see: an administrator all; a manager those in
    their programmes or covering one of their governorates; a monitor those
    covering one of their governorates (national projects cover all; their
    visits and records each lie in one place, ``place_scope``); a donor those
    their organisation funds; anyone else none."""
    role = user_role(user)
    projects = Project.objects.all()
    if role == UserProfile.Role.ADMIN:
        return projects
    if role == UserProfile.Role.MANAGER:
        profile = user.profile
        return projects.filter(
            Q(programme__in=profile.programmes.all()) | _covering(profile.governorates.all())
        )
    if role == UserProfile.Role.MONITOR:
        return projects.filter(_covering(user.profile.governorates.all()))
    if role == UserProfile.Role.DONOR:
        return projects.filter(donor_id=user.profile.donor_id)
    return projects.none()


def place_scope(user, prefix: str = "") -> Q:
    """The visits or records (``prefix``: the path to one, e.g. ``"visit__"``)
    ``user`` may see by where they are: an administrator all; a manager those
    of the programmes they manage, and those made in their governorates (by
    the visit's or record's own governorate: a national project's visit to
    Kirkuk is Kirkuk's); a monitor those made in their governorates; anyone
    else none."""
    role = user_role(user)
    if role == UserProfile.Role.ADMIN:
        return Q()
    if role == UserProfile.Role.MANAGER:
        profile = user.profile
        # The projects of the programmes as a subquery, not a join: a list
        # newest first then reads its index in order and stops at a page.
        managed = Project.objects.filter(programme__in=profile.programmes.all()).values("pk")
        return Q(**{f"{prefix}project__in": managed}) | Q(
            **{f"{prefix}governorate__in": profile.governorates.all()}
        )
    if role == UserProfile.Role.MONITOR:
        return Q(**{f"{prefix}governorate__in": user.profile.governorates.all()})
    return Q(pk__in=[])


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
    programmes they manage and to the portfolios holding one of them (not the
    unearmarked ones); a monitor none (contributions are recorded per
    programme, not per governorate)."""
    role = user_role(user)
    contributions = Contribution.objects.all()
    if role == UserProfile.Role.ADMIN:
        return contributions
    if role == UserProfile.Role.DONOR:
        return contributions.filter(donor_id=user.profile.donor_id)
    if role == UserProfile.Role.MANAGER:
        managed = user.profile.programmes.all()
        return contributions.filter(
            Q(programme__in=managed)
            | Q(portfolio__in=Portfolio.objects.filter(programmes__in=managed))
        )
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


def portfolios_for_user(user) -> QuerySet[Portfolio]:
    """The portfolios ``user`` may see: those holding a programme they see."""
    if user_role(user) == UserProfile.Role.ADMIN:
        return Portfolio.objects.all()
    return Portfolio.objects.filter(programmes__in=programmes_for_user(user)).distinct()


# --- Writes -------------------------------------------------------------------------
# Administrators write every project and contribution; a manager those of the
# programmes they manage (not those they only see through a governorate);
# monitors and donors none. Unearmarked contributions are the administrators'.


def programmes_writable_by(user) -> QuerySet[Programme]:
    """The programmes whose projects and contributions ``user`` may enter and
    edit: an administrator all, a manager those they manage, anyone else none."""
    role = user_role(user)
    if role == UserProfile.Role.ADMIN:
        return Programme.objects.all()
    if role == UserProfile.Role.MANAGER:
        return Programme.objects.filter(pk__in=user.profile.programmes.all())
    return Programme.objects.none()


def portfolios_writable_by(user) -> QuerySet[Portfolio]:
    """The portfolios ``user`` may enter contributions to: an administrator
    all; a manager those whose every programme they manage; else none."""
    role = user_role(user)
    if role == UserProfile.Role.ADMIN:
        return Portfolio.objects.all()
    if role == UserProfile.Role.MANAGER:
        managed = user.profile.programmes.all().values("pk")
        # A portfolio holding a programme the manager does not manage is not theirs.
        foreign = Portfolio.programmes.through.objects.exclude(programme_id__in=managed)
        return (
            Portfolio.objects.filter(programmes__in=managed)
            .exclude(pk__in=foreign.values("portfolio_id"))
            .distinct()
        )
    return Portfolio.objects.none()


def projects_writable_by(user) -> QuerySet[Project]:
    """The projects ``user`` may edit: those of ``programmes_writable_by``."""
    if user_role(user) == UserProfile.Role.ADMIN:
        return Project.objects.all()
    return Project.objects.filter(programme__in=programmes_writable_by(user))


def contributions_writable_by(user) -> QuerySet[Contribution]:
    """The contributions ``user`` may edit or delete: an administrator all; a
    manager those to a programme they manage or to a portfolio whose every
    programme they manage; anyone else none."""
    if user_role(user) == UserProfile.Role.ADMIN:
        return Contribution.objects.all()
    return Contribution.objects.filter(
        Q(programme__in=programmes_writable_by(user))
        | Q(portfolio__in=portfolios_writable_by(user))
    )


def may_write_funding_to(user, *, programme=None, portfolio=None) -> bool:
    """Whether ``user`` may enter a project or contribution for ``programme``
    or a contribution to ``portfolio``; with neither (unearmarked), whether
    they are an administrator."""
    if user_role(user) == UserProfile.Role.ADMIN:
        return True
    if programme is not None:
        return programmes_writable_by(user).filter(pk=programme.pk).exists()
    if portfolio is not None:
        return portfolios_writable_by(user).filter(pk=portfolio.pk).exists()
    return False


def profile_scope(user) -> tuple[frozenset[int], frozenset[int]]:
    """The ids of the programmes and of the governorates of ``user``'s
    profile (both empty without one). One query, read once per user object
    (a request's user), as Django keeps a user's permissions."""
    found = getattr(user, "_iomdash_profile_scope", None)
    if found is not None:
        return found
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    if profile is None:
        return frozenset(), frozenset()
    links = UserProfile.programmes.through.objects.filter(userprofile_id=profile.pk).values_list(
        Value("p"), "programme_id"
    )
    links = links.union(
        UserProfile.governorates.through.objects.filter(userprofile_id=profile.pk).values_list(
            Value("g"), "governorate_id"
        ),
        all=True,
    )
    rows = list(links)
    found = (
        frozenset(pk for kind, pk in rows if kind == "p"),
        frozenset(pk for kind, pk in rows if kind == "g"),
    )
    user._iomdash_profile_scope = found
    return found


def profile_scope_preload(user, *, programmes, governorates) -> None:
    """Give ``user`` the scope ``profile_scope`` would read, read with the
    user (``programmes.backends``): the ids of their profile's programmes
    and governorates."""
    user._iomdash_profile_scope = (frozenset(programmes), frozenset(governorates))


def scope_key(user) -> str:
    """A short text that is the same for two users only if every rule of this
    module (and of the apps' ``access.py`` built on them) shows them the same
    things: the role, and the governorates, programmes or donor of its scope;
    for a monitor also their own id (they see their own visits only). Caches
    of what a user may see key on it. At most one query after the profile's
    (``profile_scope``, which later reads of the same user share)."""
    role = user_role(user)
    if role is None:
        return "none"
    if role == UserProfile.Role.ADMIN:
        return "admin"
    if role == UserProfile.Role.DONOR:
        return f"donor:{user.profile.donor_id}"
    programmes, governorates = profile_scope(user)
    own = f":user:{user.pk}" if role == UserProfile.Role.MONITOR else ""
    return (
        f"{role}:p:{','.join(map(str, sorted(programmes)))}"
        f":g:{','.join(map(str, sorted(governorates)))}{own}"
    )
