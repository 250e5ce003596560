"""Shared reaches: "these lines together reached 110 households" (see
``beneficiaries.models_reach``).

A caller (the visit form, the API's visit lines, the import) gives the
reaches by a key of its own choosing, and each line the key of the reach it
shares, if any. ``shared_reach_errors`` says what is wrong with them, by
line and by reach, in words a monitor understands; ``reach_save`` writes one
reach. The lines themselves are saved by their own services, with the reach.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from beneficiaries.models import RECIPIENT_FIELDS, SPLIT_FIELDS
from beneficiaries.models_reach import SharedReach, reach_errors
from beneficiaries.models_splits import splits_errors, splits_resolve
from beneficiaries.services.common import _save

REACH_KEY_MAX_LENGTH = 40


@dataclass(frozen=True)
class ReachGiven:
    """A reach several lines share, named by ``key`` among the lines given
    with it; ``reach_id`` names the reach it changes (None: a new one)."""

    key: str
    households: int = 0
    people: int = 0
    household_size: int | None = None
    recipients: Mapping[str, int | None] = field(default_factory=dict)
    reach_id: int | None = None


@dataclass(frozen=True)
class SharingLine:
    """What a line given with reaches says of its reach: the key of the reach
    it shares (None: none), its day, and the counts it gives itself."""

    reach: str | None
    delivered_on: dt.date | None = None
    households: int = 0
    people: int = 0
    household_size: int | None = None
    recipients: Mapping[str, int | None] = field(default_factory=dict)


def reach_counts_errors(given: ReachGiven) -> dict[str, str]:
    """What is wrong with a reach's own counts, as {field: message}."""
    values = splits_resolve(given.recipients)
    errors = splits_errors(values, given.people)
    errors.update(reach_errors(given.households, given.people, given.household_size))
    return errors


def shared_reach_errors(
    reaches: Sequence[ReachGiven], lines: Sequence[SharingLine]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """What is wrong, as ([{field: message} per line], [{field: message} per
    reach]), all empty dicts when all is well: a line naming a reach not
    given, a line of a shared reach giving households, people, a household
    size or recipients of its own (the reach holds them, counted once), a
    reach shared by fewer than two lines or by lines of different days, a
    key given twice, and the reach's own counts."""
    keys = Counter(given.key for given in reaches)
    line_errors: list[dict[str, str]] = []
    for line in lines:
        errors: dict[str, str] = {}
        if line.reach is not None:
            if line.reach not in keys:
                errors["reach"] = _("No shared reach “%(key)s” is given with these lines.") % {
                    "key": line.reach
                }
            elif (
                line.households
                or line.people
                or line.household_size is not None
                or any(line.recipients.get(column) for column in [*SPLIT_FIELDS, *RECIPIENT_FIELDS])
            ):
                errors["households"] = _(
                    "This line shares the reach “%(key)s”: give its households, people and "
                    "household size once, on the shared reach, not on the line."
                ) % {"key": line.reach}
        line_errors.append(errors)
    reach_errors_: list[dict[str, str]] = []
    for given in reaches:
        errors = reach_counts_errors(given)
        sharing = [line for line in lines if line.reach == given.key]
        if keys[given.key] > 1:
            errors["key"] = _("The shared reach “%(key)s” is given twice.") % {"key": given.key}
        elif len(sharing) < 2:
            errors["key"] = _(
                "The shared reach “%(key)s” has %(count)s line: a shared reach is the "
                "households several lines reached together. Give them on the line instead."
            ) % {"key": given.key, "count": len(sharing)}
        elif len({line.delivered_on for line in sharing}) > 1:
            errors["key"] = _(
                "The lines sharing the reach “%(key)s” are dated differently: a shared reach "
                "is one delivery, on one day."
            ) % {"key": given.key}
        reach_errors_.append(errors)
    return line_errors, reach_errors_


def raise_shared_reach_errors(reaches: Sequence[ReachGiven], lines: Sequence[SharingLine]) -> None:
    """``shared_reach_errors`` as one ``ValidationError`` (field "reaches"),
    for callers that show one message; nothing when all is well."""
    line_errors, reach_errors_ = shared_reach_errors(reaches, lines)
    messages = [message for errors in [*line_errors, *reach_errors_] for message in errors.values()]
    if messages:
        raise ValidationError({"reaches": " ".join(dict.fromkeys(messages))})


@transaction.atomic
def reach_save(*, given: ReachGiven, reach: SharedReach | None, user) -> SharedReach:
    """Create (``reach`` None) or change a shared reach with ``given``'s counts
    and splits; the caller checked them (``shared_reach_errors``)."""
    reach = reach or SharedReach()
    reach.households, reach.people = given.households, given.people
    reach.household_size = given.household_size
    reach.set_splits(given.recipients)
    _save(reach, user=user)
    return reach


def reaches_drop_unshared(*, reach_ids: set[int], user) -> None:
    """Delete those of ``reach_ids`` no line shares any more (a line moved
    out of its reach, or deleted)."""
    for reach in SharedReach.objects.filter(pk__in=reach_ids, lines__isnull=True):
        reach._history_user = user
        reach.delete()


def reach_lines_move_together() -> None:
    """Check that the lines of a reach are one delivery at the commit, not
    after each line: a service moving a visit's lines to another day or place
    saves them one by one (``reach_one_delivery``, migration 0013)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS reach_one_delivery DEFERRED")
