"""Who may see which snapshot: the one access helper every snapshot view uses.

- an administrator: every snapshot, drafts included;
- a manager: the drafts and published snapshots of portfolios whose every
  programme they manage (``profile.programmes``);
- a donor: the published snapshots of portfolios whose every programme their
  organisation funds (``programmes.access.programmes_for_user``);
- a monitor, a user without a role, an anonymous user: none.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from programmes.access import programmes_for_user, user_role
from programmes.models import Programme, UserProfile
from snapshots.models import Snapshot, SnapshotBlock, SnapshotSection, SnapshotSeries

Role = UserProfile.Role
WRITE_ROLES = (Role.ADMIN, Role.MANAGER)


def programmes_for_snapshots(user) -> QuerySet[Programme]:
    """The programmes ``user`` may make snapshots of: an administrator all, a
    manager those they manage, anyone else none."""
    role = user_role(user)
    if role == Role.ADMIN:
        return Programme.objects.all()
    if role == Role.MANAGER:
        return user.profile.programmes.all()
    return Programme.objects.none()


def _within(snapshots: QuerySet[Snapshot], programmes: QuerySet[Programme]) -> QuerySet[Snapshot]:
    """The snapshots all of whose programmes are in ``programmes``."""
    return snapshots.exclude(programmes__in=Programme.objects.exclude(pk__in=programmes))


def snapshots_for_user(user) -> QuerySet[Snapshot]:
    """The snapshots ``user`` may see (the rules of this module's docstring)."""
    role = user_role(user)
    snapshots = Snapshot.objects.all()
    if role == Role.ADMIN:
        return snapshots
    if role == Role.MANAGER:
        return _within(snapshots, user.profile.programmes.all())
    if role == Role.DONOR:
        published = snapshots.filter(status=Snapshot.Status.PUBLISHED)
        return _within(published, programmes_for_user(user))
    return snapshots.none()


def snapshot_for_user(user, pk, *, write: bool = False) -> Snapshot:
    """The snapshot ``pk`` if ``user`` may see it; with ``write``, only if they
    may also change it (publish it, ask for its draft PDF): a manager of its
    programmes or an administrator. Raises Http404 otherwise, so that a
    snapshot's existence is not disclosed."""
    snapshots = snapshots_for_user(user)
    if write and user_role(user) not in WRITE_ROLES:
        raise Http404
    try:
        return snapshots.select_related("previous", "created_by", "published_by").get(pk=pk)
    except (Snapshot.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def snapshot_can_create(user) -> bool:
    """Whether ``user`` makes snapshots: managers and administrators."""
    return user_role(user) in WRITE_ROLES


def series_for_user(user) -> QuerySet[SnapshotSeries]:
    """The series ``user`` may see: of portfolios whose every programme an
    administrator (all), a manager (those they manage) or a donor (those
    their organisation funds) may see; none for anyone else."""
    role = user_role(user)
    series = SnapshotSeries.objects.all()
    if role == Role.ADMIN:
        return series
    if role == Role.MANAGER:
        programmes = user.profile.programmes.all()
    elif role == Role.DONOR:
        programmes = programmes_for_user(user)
    else:
        return series.none()
    return series.exclude(programmes__in=Programme.objects.exclude(pk__in=programmes))


def series_for_writer(user, pk) -> SnapshotSeries:
    """The series ``pk`` if ``user`` may start drafts of it (a manager of all
    its programmes, an administrator); Http404 otherwise."""
    if user_role(user) not in WRITE_ROLES:
        raise Http404
    try:
        return series_for_user(user).get(pk=pk)
    except (SnapshotSeries.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def section_for_user(user, snapshot_pk, section_pk) -> SnapshotSection:
    """A section of the snapshot ``snapshot_pk`` that ``user`` may change
    (``snapshot_for_user(..., write=True)``); Http404 otherwise."""
    snapshot = snapshot_for_user(user, snapshot_pk, write=True)
    try:
        section = snapshot.sections.get(pk=section_pk)
    except (SnapshotSection.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    section.snapshot = snapshot
    return section


def block_for_user(user, snapshot_pk, block_pk) -> SnapshotBlock:
    """A block of the snapshot ``snapshot_pk`` that ``user`` may change;
    Http404 otherwise."""
    snapshot = snapshot_for_user(user, snapshot_pk, write=True)
    try:
        block = SnapshotBlock.objects.select_related("section").get(
            pk=block_pk, section__snapshot=snapshot
        )
    except (SnapshotBlock.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    block.section.snapshot = snapshot
    return block


def sections_for_user(user, snapshot_pk) -> QuerySet[SnapshotSection]:
    """The sections, in order, of the snapshot ``snapshot_pk`` that ``user``
    may see (``snapshot_for_user``); Http404 otherwise."""
    return snapshot_for_user(user, snapshot_pk).sections.order_by("position")


def blocks_for_user(user, snapshot_pk) -> QuerySet[SnapshotBlock]:
    """The blocks of the snapshot ``snapshot_pk`` that ``user`` may see,
    section by section, in order; Http404 otherwise."""
    snapshot = snapshot_for_user(user, snapshot_pk)
    return SnapshotBlock.objects.filter(section__snapshot=snapshot).order_by(
        "section__position", "position"
    )
