"""Who may read which indicator values: the access rules of the indicators
app, used by the dashboards, the API, the exports and the snapshots alike.

- ``cells_for_user``: the disjoint cells of the value table a user may read,
  whose values add up (the dashboards' and the API's rule; a donor's exports
  too);
- ``values_for_user``: those cells' rows;
- ``values_readable_by``: every row a member of staff may read in full, at
  any cut (their exports).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from indicators.cells import Cells
from indicators.models import IndicatorValue
from programmes.access import profile_scope, user_role
from programmes.models import UserProfile

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
