"""Shared reaches in a beneficiary list: rows with the same ``shared_reach``
name are lines of one delivery that together reached the households they
repeat ("29 joint and 9 association businesses reaching 110 households").

The rows of a name repeat the reach (households, people, household size,
recipients) and share project, place and day; the import writes the reach
once and the rows as lines of it (``beneficiaries.models_reach``). The
names are those of one file: the same name in another import is another reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from beneficiaries.imports.parse import COUNT_COLUMNS

# What the rows of one shared reach must give alike.
_REACH_COLUMNS = [column for column in COUNT_COLUMNS if column != "units"]
_REACH_COLUMNS += ["household_size", "crossings"]


@dataclass
class _Seen:
    row: int
    delivery: tuple
    reach: tuple
    rows: int = 1


def _delivery(values: dict) -> tuple:
    place = values["place"]
    return (values["project"].pk, type(place).__name__, place.pk, values["delivered_on"])


def _reach(values: dict) -> tuple:
    return tuple(values.get(column) for column in _REACH_COLUMNS)


class SharedReaches:
    """The shared reaches of one file, as its rows are read: ``check`` each
    valid row, then ``errors`` for the names given on one row only."""

    def __init__(self):
        self.seen: dict[str, _Seen] = {}

    def check(self, number: int, values: dict) -> tuple[list[tuple[str, str]], bool]:
        """The row's errors as [(column, message)], and whether it is the first
        row of its reach (its people count once); (no errors, True) for a row
        sharing none."""
        key = values.get("reach")
        if not key:
            return [], True
        seen = self.seen.get(key)
        if seen is None:
            self.seen[key] = _Seen(number, _delivery(values), _reach(values))
            return [], True
        seen.rows += 1
        errors = []
        if _delivery(values) != seen.delivery:
            errors.append(
                (
                    "shared_reach",
                    _(
                        "The rows sharing “%(key)s” are one delivery: this row's project, place "
                        "or day differs from row %(row)s's."
                    )
                    % {"key": key, "row": seen.row},
                )
            )
        if _reach(values) != seen.reach:
            errors.append(
                (
                    "households",
                    _(
                        "The rows sharing “%(key)s” repeat the same households, people, "
                        "household size and recipients (counted once); this row's differ from "
                        "row %(row)s's."
                    )
                    % {"key": key, "row": seen.row},
                )
            )
        return errors, False

    def errors(self) -> list[tuple[int, str, str]]:
        """(row, column, message) of each name given on one row only."""
        return [
            (
                seen.row,
                "shared_reach",
                _(
                    "Only this row shares “%(key)s”: a shared reach is the households several "
                    "rows reached together. Leave the column empty for a row of its own."
                )
                % {"key": key},
            )
            for key, seen in self.seen.items()
            if seen.rows < 2
        ]
