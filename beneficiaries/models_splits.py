"""How the direct recipients of an assistance record are split, as far as
they were recorded.

A record carries ten **split columns**, one per category of each dimension
(``sex_f``, ``sex_m``; ``age_0_5`` ... ``age_60plus``; ``pop_idp`` ...
``pop_refugee``), NULL where not recorded: "58% women" is ``sex_f`` alone,
with no age or population group invented. Each dimension adds up to at most
``people``; what it leaves is "not recorded". Where the recipients were also
recorded crossed (sex × age group × population group), the 32 **cells**
(``f_18_59_idp`` ...) hold the crossing, and each split column is at least
the sum of its cells (the crossing is a part of what the splits count).

Indicators read only the ten split columns: one addition per split, not 32.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class AgeGroup(models.TextChoices):
    CHILD = "0-5", _("0–5 years")
    YOUTH = "6-17", _("6–17 years")
    ADULT = "18-59", _("18–59 years")
    ELDERLY = "60+", _("60 years and over")


class PopulationGroup(models.TextChoices):
    IDP = "idp", _("Internally displaced")
    RETURNEE = "returnee", _("Returnee")
    HOST = "host", _("Host community")
    REFUGEE = "refugee", _("Refugee")


DIMENSIONS = {"sex": Sex, "age_group": AgeGroup, "population_group": PopulationGroup}
_PREFIX = {"sex": "sex", "age_group": "age", "population_group": "pop"}


def _code_part(code: str) -> str:
    return code.replace("+", "plus").replace("-", "_")


def split_field(dimension: str, code: str) -> str:
    """The split column of one category: ("sex", "f") -> "sex_f",
    ("age_group", "60+") -> "age_60plus", ("population_group", "idp") -> "pop_idp"."""
    return f"{_PREFIX[dimension]}_{_code_part(code)}"


# dimension -> category code -> split column, in a fixed order.
SPLITS: dict[str, dict[str, str]] = {
    dimension: {code: split_field(dimension, code) for code in choices.values}
    for dimension, choices in DIMENSIONS.items()
}
SPLIT_FIELDS = [column for columns in SPLITS.values() for column in columns.values()]


def recipient_field(sex: str, age_group: str, population_group: str) -> str:
    """The column of one sex × age group × population group cell, e.g.
    ("f", "18-59", "idp") -> "f_18_59_idp", ("m", "60+", "host") -> "m_60plus_host"."""
    return f"{sex}_{_code_part(age_group)}_{population_group}"


# Every cell of the crossing, in a fixed order: (sex, age group, population group, column).
RECIPIENT_CELLS = [
    (sex, age, group, recipient_field(sex, age, group))
    for sex in Sex.values
    for age in AgeGroup.values
    for group in PopulationGroup.values
]
RECIPIENT_FIELDS = [cell[3] for cell in RECIPIENT_CELLS]
_INDEX = {"sex": 0, "age_group": 1, "population_group": 2}


def split_cells(dimension: str, code: str) -> list[str]:
    """The cells one split column counts, e.g. sex "f" -> the 16 ``f_*`` cells."""
    return [cell[3] for cell in RECIPIENT_CELLS if cell[_INDEX[dimension]] == code]


SPLIT_LABELS = {
    "sex_f": _("Women"),
    "sex_m": _("Men"),
    **{SPLITS["age_group"][age.value]: age.label for age in AgeGroup},
    **{SPLITS["population_group"][group.value]: group.label for group in PopulationGroup},
}

# Messages naming what a dimension adds up to, e.g. "women + men (130)".
_DIMENSION_SUM = {
    "sex": _("women + men (%(sum)s)"),
    "age_group": _("the age groups (%(sum)s)"),
    "population_group": _("the population groups (%(sum)s)"),
}


def splits_resolve(values: Mapping[str, int | None]) -> dict[str, int | None]:
    """Cells and split columns for a record from what was given: the cells
    given (others 0); the split columns given, and, for a dimension none of
    whose split columns was given, the sums of the cells (None where no cell
    of the crossing is filled: not recorded)."""
    cells = {column: values.get(column) or 0 for column in RECIPIENT_FIELDS}
    crossed = any(cells.values())
    result: dict[str, int | None] = dict(cells)
    for dimension, columns in SPLITS.items():
        given = any(values.get(column) is not None for column in columns.values())
        for code, column in columns.items():
            if given:
                result[column] = values.get(column)
            else:
                total = sum(cells[cell] for cell in split_cells(dimension, code))
                result[column] = total if crossed else None
    return result


def splits_errors(values: Mapping[str, int | None], people: int | None) -> dict[str, str]:
    """What is wrong with a record's splits, as {field: message}: a dimension
    adding up to more than ``people``, or a split column below the crossing's
    cells of it. Empty when all is well. A crossing above the people is said
    once, not again for each dimension that only sums it."""
    errors: dict[str, str] = {}
    crossing = sum(values.get(cell) or 0 for cell in RECIPIENT_FIELDS)
    if people is not None and crossing > people:
        errors["people"] = _(
            "The recipients by sex, age and population group add up to %(breakdown)s, "
            "more than the %(people)s people recorded."
        ) % {"breakdown": crossing, "people": people}
    for dimension, columns in SPLITS.items():
        for code, column in columns.items():
            cells = sum(values.get(cell) or 0 for cell in split_cells(dimension, code))
            if cells and (values.get(column) or 0) < cells:
                errors[column] = _(
                    "%(label)s (%(given)s) is fewer than the %(cells)s of them in the "
                    "sex × age × population group cells."
                ) % {
                    "label": SPLIT_LABELS[column],
                    "given": values.get(column) or 0,
                    "cells": cells,
                }
        total = sum(values.get(column) or 0 for column in columns.values())
        if people is not None and total > people and total != crossing:
            message = _("%(what)s is more than the %(people)s people.") % {
                "what": _DIMENSION_SUM[dimension] % {"sum": total},
                "people": people,
            }
            message = message[:1].upper() + message[1:]
            errors["people"] = f"{errors['people']} {message}" if "people" in errors else message
    return errors


def split_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Each dimension adds up to at most ``people``; each split column is at
    least the sum of its cells (so a crossing never counts more than its splits)."""

    def total(columns, *, nullable=True):
        terms = [Coalesce(F(column), Value(0)) if nullable else F(column) for column in columns]
        expression = terms[0]
        for term in terms[1:]:
            expression = expression + term
        return expression

    constraints = [
        models.CheckConstraint(
            condition=Q(people__gte=total(columns.values())),
            name=f"{prefix}_{_PREFIX[dimension]}_split_not_above_people",
        )
        for dimension, columns in SPLITS.items()
    ]
    # COALESCE: a NULL split (not recorded) allows no cell of it; a bare
    # comparison with NULL would pass the check.
    crossing = Q()
    for dimension, columns in SPLITS.items():
        for code, column in columns.items():
            cells = total(split_cells(dimension, code), nullable=False)
            crossing &= Q(GreaterThanOrEqual(Coalesce(F(column), Value(0)), cells))
    constraints.append(
        models.CheckConstraint(condition=crossing, name=f"{prefix}_crossing_within_splits")
    )
    return constraints


class _BreakdownMethods:
    def recipients(self) -> dict[tuple[str, str, str], int]:
        """The crossing as {(sex, age group, population group): people}, non-zero cells only."""
        return {
            (sex, age, group): getattr(self, column)
            for sex, age, group, column in RECIPIENT_CELLS
            if getattr(self, column)
        }

    def set_recipients(self, counts: dict[tuple[str, str, str], int]) -> None:
        """Replace the crossing (cells not given become 0) and the splits with
        its sums; does not save."""
        values = {
            column: counts.get((sex, age, group), 0) for sex, age, group, column in RECIPIENT_CELLS
        }
        self.set_splits(values)

    def set_splits(self, values: Mapping[str, int | None]) -> None:
        """Set cells and split columns as ``splits_resolve`` makes them from
        ``values``; does not save."""
        for column, value in splits_resolve(values).items():
            setattr(self, column, value)

    def splits(self) -> dict[str, dict[str, int | None]]:
        """{dimension: {category code: people or None}}, plus, per dimension,
        ``"not_recorded"``: the people the dimension leaves unsplit."""
        result = {}
        for dimension, columns in SPLITS.items():
            values = {code: getattr(self, column) for code, column in columns.items()}
            recorded = sum(value or 0 for value in values.values())
            result[dimension] = {**values, "not_recorded": max((self.people or 0) - recorded, 0)}
        return result


def _split_model_field(column: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(SPLIT_LABELS[column], null=True, blank=True)


# An abstract model with the ten split columns and the 32 cells as ordinary
# fields, so that the record (and its history) gets them all.
RecipientBreakdown = type(
    "RecipientBreakdown",
    (_BreakdownMethods, models.Model),
    {
        "__module__": "beneficiaries.models",
        "Meta": type("Meta", (), {"abstract": True}),
        **{column: _split_model_field(column) for column in SPLIT_FIELDS},
        **{
            column: models.PositiveIntegerField(
                format_lazy(
                    "{} · {} · {}",
                    Sex(sex).label,
                    AgeGroup(age).label,
                    PopulationGroup(group).label,
                ),
                default=0,
            )
            for sex, age, group, column in RECIPIENT_CELLS
        },
    },
)
