"""Who may read which indicator values: the access rules of the indicators
app, used by the dashboards, the API, the exports and the snapshots alike.

- ``cells_for_user``: the disjoint cells of the value table a user may read,
  whose values add up (the dashboards' and the API's rule; a donor's exports
  too);
- ``values_for_user``: those cells' rows;
- ``values_readable_by``: every row a member of staff may read in full, at
  any cut (their exports);
- ``targets_for_user``, ``target_for_user``, ``target_can_write``: who reads
  and who sets the targets (managers in scope and administrators write).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from indicators.cells import Cells
from indicators.models import IndicatorValue, Target
from programmes.access import profile_scope, projects_for_user, user_role
from programmes.models import Governorate, Programme, Project, UserProfile

Role = UserProfile.Role


def cells_for_user(user) -> Cells:
    """The cells of the value table ``user`` may read (see the section comment).
    At most one query (a manager's programmes and governorates together)."""
    role = user_role(user)
    every = {"governorate": ("all",), "programme": ("all",), "donor": ("all",)}
    if role == UserProfile.Role.ADMIN:
        return Cells([every])
    if role == UserProfile.Role.DONOR:
        return Cells([{**every, "donor": ("in", frozenset({user.profile.donor_id}))}])
    if role == UserProfile.Role.MONITOR:
        governorates = profile_scope(user)[1]
        return Cells([{**every, "governorate": ("in", governorates)}] if governorates else [])
    if role == UserProfile.Role.MANAGER:
        programmes, governorates = profile_scope(user)
        terms = []
        if programmes:
            terms.append({**every, "programme": ("in", programmes)})
        if governorates:
            terms.append(
                {**every, "governorate": ("in", governorates), "programme": ("notin", programmes)}
            )
        return Cells(terms)
    return Cells([])


def values_for_user(user):
    """The indicator values ``user`` may read, whatever the page: the cells of
    ``cells_for_user`` (a donor: only the cells of their organisation; a manager:
    their programmes, and their governorates outside those programmes; a
    monitor: their governorates). For the API and the exports; a donor's
    output must still show small counts as "<5" (``small_count_hidden``)."""
    return IndicatorValue.objects.filter(cells_for_user(user).q())


def values_readable_by(user) -> QuerySet[IndicatorValue]:
    """Every value row ``user`` may read in full, at any cut: the rows made
    only of records in their scope. An administrator all; a manager the rows
    of their programmes and of their governorates (any other cut); a monitor
    those of their governorates; a donor those of their organisation; anyone
    else none. A superset of ``values_for_user`` (the disjoint cells the
    dashboards add up), with the finer cuts too. For staff exports; a donor's
    export keeps to the dashboards' cells (``indicator_values_table``)."""
    role = user_role(user)
    values = IndicatorValue.objects.all()
    if role == Role.ADMIN:
        return values
    if role == Role.DONOR:
        return values.filter(donor_id=user.profile.donor_id)
    if role == Role.MONITOR:
        return values.filter(
            governorate_id__in=list(user.profile.governorates.values_list("pk", flat=True))
        )
    if role == Role.MANAGER:
        return values.filter(
            Q(programme_id__in=list(user.profile.programmes.values_list("pk", flat=True)))
            | Q(governorate_id__in=list(user.profile.governorates.values_list("pk", flat=True)))
        )
    return values.none()


def targets_for_user(user) -> QuerySet[Target]:
    """The targets ``user`` may read, with their actual figures: an
    administrator all; a manager those of their programmes (and of their
    projects), and those set in their governorates; a monitor those set in
    their governorates or for a project there; a donor and anyone else none
    (a target's actual counts every donor's records)."""
    role = user_role(user)
    targets = Target.objects.all()
    if role == Role.ADMIN:
        return targets
    if role == Role.MANAGER:
        profile = user.profile
        return targets.filter(
            Q(programme__in=profile.programmes.all())
            | Q(project__in=projects_for_user(user))
            | Q(governorate__in=profile.governorates.all())
        )
    if role == Role.MONITOR:
        governorates = user.profile.governorates.all()
        return targets.filter(
            Q(governorate__in=governorates) | Q(project__governorate__in=governorates)
        )
    return targets.none()


def target_can_write(
    user,
    *,
    programme: Programme | None = None,
    project: Project | None = None,
    governorate: Governorate | None = None,
) -> bool:
    """Whether ``user`` may set or delete a target of this scope: an
    administrator any; a manager one of a programme they manage, of a
    project in their scope, or of any programme within one of their
    governorates; nobody else. At most two queries."""
    role = user_role(user)
    if role == Role.ADMIN:
        return True
    if role != Role.MANAGER:
        return False
    profile = user.profile
    if project is not None:
        return projects_for_user(user).filter(pk=project.pk).exists()
    if programme is None:
        return False
    if profile.programmes.filter(pk=programme.pk).exists():
        return True
    return governorate is not None and profile.governorates.filter(pk=governorate.pk).exists()


def target_for_user(user, pk, *, write: bool = False) -> Target:
    """The target ``pk`` if ``user`` may read it; with ``write``, only if they
    may change it too (``target_can_write``). Raises Http404 otherwise."""
    try:
        target = (
            targets_for_user(user)
            .select_related("definition", "programme", "project", "governorate", "district")
            .defer("governorate__boundary", "district__boundary")
            .get(pk=pk)
        )
    except (Target.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not target_can_write(
        user, programme=target.programme, project=target.project, governorate=target.governorate
    ):
        raise Http404
    return target
