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
Where two of the dimensions were recorded crossed without the third ("women
18–59: 40", no population group), ``crossings`` holds each such **two-way
crossing** (``PAIRS``), e.g. ``{"sex_age": {"f_18_59": 40, "m_18_59": 35}}``
(NULL: none recorded); its cells are at most the splits they count, at
least the three-way cells within them, and what a crossing leaves of the
people is "not recorded" there too (``split_detail``).

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


# Two-way crossings: pair -> its two dimensions; pair -> cell -> (code, code).
PAIRS: dict[str, tuple[str, str]] = {
    "sex_age": ("sex", "age_group"),
    "sex_pop": ("sex", "population_group"),
    "age_pop": ("age_group", "population_group"),
}
PAIR_CELLS: dict[str, dict[str, tuple[str, str]]] = {
    pair: {
        f"{_code_part(a)}_{_code_part(b)}": (a, b)
        for a in DIMENSIONS[first].values
        for b in DIMENSIONS[second].values
    }
    for pair, (first, second) in PAIRS.items()
}
# The columns of a list that give a two-way cell: its name, e.g. "f_18_59".
PAIR_COLUMNS: dict[str, tuple[str, str]] = {
    cell: (pair, cell) for pair, cells in PAIR_CELLS.items() for cell in cells
}


def crossings_from_columns(values: Mapping[str, int | None]) -> dict[str, dict[str, int]] | None:
    """The two-way crossings of a row's ``PAIR_COLUMNS`` (empty: not
    recorded); None when no cell is given."""
    crossings: dict[str, dict[str, int]] = {}
    for column, (pair, cell) in PAIR_COLUMNS.items():
        if values.get(column) is not None:
            crossings.setdefault(pair, {})[cell] = values[column]
    return crossings or None


PAIR_LABELS = {
    "sex_age": _("By sex and age group"),
    "sex_pop": _("By sex and population group"),
    "age_pop": _("By age group and population group"),
}


def pair_cell_label(pair: str, cell: str) -> str:
    """A two-way cell's name, e.g. ("sex_age", "f_18_59") -> "Women · 18–59 years"."""
    codes = PAIR_CELLS[pair][cell]
    return " · ".join(
        str(SPLIT_LABELS[split_field(dimension, code)])
        for dimension, code in zip(PAIRS[pair], codes, strict=True)
    )


def crossings_clean(crossings) -> dict[str, dict[str, int]] | None:
    """The two-way crossings as stored: each pair given with its cells given
    (a cell not given is 0 of a pair given); None when no pair is given.
    Unknown pairs and cells are kept for ``crossings_errors`` to name."""
    if not crossings:
        return None
    cleaned = {}
    for pair, cells in dict(crossings).items():
        if isinstance(cells, Mapping):
            cells = {cell: count for cell, count in cells.items() if count is not None}
        if cells:
            cleaned[pair] = cells
    return cleaned or None


def _crossing_sums(crossings: Mapping | None, dimension: str) -> dict[str, int]:
    """The people of each category of ``dimension`` in the two-way crossings
    that hold it (the largest, when two do): what its split is at least."""
    sums: dict[str, int] = {}
    for pair, cells in (crossings or {}).items():
        if pair not in PAIRS or dimension not in PAIRS[pair]:
            continue
        index = PAIRS[pair].index(dimension)
        found: dict[str, int] = {}
        for cell, count in cells.items():
            if cell in PAIR_CELLS[pair] and isinstance(count, int):
                code = PAIR_CELLS[pair][cell][index]
                found[code] = found.get(code, 0) + count
        for code, count in found.items():
            sums[code] = max(sums.get(code, 0), count)
    return sums


def splits_resolve(values: Mapping[str, int | None]) -> dict[str, int | None]:
    """Cells and split columns for a record from what was given: the cells
    given (others 0); the split columns given, and, for a dimension none of
    whose split columns was given, the sums of the cells or of a two-way
    crossing holding it, the larger (None where neither is filled: not
    recorded); and, when given, the two-way ``crossings``
    (``crossings_clean``)."""
    cells = {column: values.get(column) or 0 for column in RECIPIENT_FIELDS}
    crossed = any(cells.values())
    crossings = crossings_clean(values.get("crossings"))
    result: dict = dict(cells)
    for dimension, columns in SPLITS.items():
        given = any(values.get(column) is not None for column in columns.values())
        paired = _crossing_sums(crossings, dimension)
        for code, column in columns.items():
            if given:
                result[column] = values.get(column)
            elif crossed or paired:
                total = sum(cells[cell] for cell in split_cells(dimension, code))
                result[column] = max(total, paired.get(code, 0))
            else:
                result[column] = None
    if "crossings" in values:
        result["crossings"] = crossings
    return result


def crossings_errors(values: Mapping, people: int | None) -> dict[str, str]:
    """What is wrong with the two-way ``crossings`` of ``values`` (a record's
    split columns, cells and crossings), as {field: message}: an unknown pair
    or cell or a count that is not a whole number, a crossing adding up to
    more than ``people``, a split below the crossing's people of it, or a
    two-way cell below the three-way cells within it."""
    crossings = values.get("crossings") or {}
    if not isinstance(crossings, Mapping):
        return {"crossings": _("Give the crossings as {pair: {cell: people}}.")}
    for pair, cells in crossings.items():
        if pair not in PAIRS or not isinstance(cells, Mapping):
            return {
                "crossings": _("Unknown crossing “%(pair)s”: give %(pairs)s.")
                % {"pair": pair, "pairs": ", ".join(PAIRS)}
            }
        for cell, count in cells.items():
            if cell not in PAIR_CELLS[pair]:
                return {
                    "crossings": _("Unknown cell “%(cell)s” of the crossing “%(pair)s”.")
                    % {"cell": cell, "pair": pair}
                }
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                return {
                    "crossings": _("“%(cell)s” of “%(pair)s” must be a whole number, 0 or more.")
                    % {"cell": cell, "pair": pair}
                }
    errors: dict[str, str] = {}
    for pair, cells in crossings.items():
        label = PAIR_LABELS[pair]
        total = sum(cells.values())
        if people is not None and total > people:
            errors.setdefault(
                "crossings",
                _("The recipients %(crossing)s add up to %(sum)s, more than the %(people)s people.")
                % {"crossing": str(label).lower(), "sum": total, "people": people},
            )
        for dimension in PAIRS[pair]:
            for code, count in _crossing_sums({pair: cells}, dimension).items():
                column = SPLITS[dimension][code]
                if count and (values.get(column) or 0) < count:
                    errors.setdefault(
                        column,
                        _("%(label)s (%(given)s) is fewer than the %(cells)s of them %(crossing)s.")
                        % {
                            "label": SPLIT_LABELS[column],
                            "given": values.get(column) or 0,
                            "cells": count,
                            "crossing": str(label).lower(),
                        },
                    )
        first, second = PAIRS[pair]
        for cell, (a, b) in PAIR_CELLS[pair].items():
            within = sum(
                values.get(column) or 0
                for column in RECIPIENT_FIELDS
                if column in split_cells(first, a) and column in split_cells(second, b)
            )
            if within > cells.get(cell, 0):
                errors.setdefault(
                    "crossings",
                    _(
                        "%(cell)s (%(given)s) is fewer than the %(within)s of them in the "
                        "sex × age × population group cells."
                    )
                    % {
                        "cell": pair_cell_label(pair, cell),
                        "given": cells.get(cell, 0),
                        "within": within,
                    },
                )
    return errors


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
    for field, message in crossings_errors(values, people).items():
        errors.setdefault(field, message)
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

    def split_detail(self) -> list[dict]:
        """The recipients as recorded, part by part: each dimension split
        (``splits``), each two-way crossing and the three-way one, each with
        its ``title`` (None for a dimension), ``cells`` as (label, people)
        and ``not_recorded``: the people it leaves, shown as such, never
        spread over its cells; ``kind``: "split", "pair" (two-way) or
        "crossing" (three-way). Parts not recorded are left out."""
        people = self.people or 0
        parts = []
        for dimension, split in self.splits().items():
            cells = [
                (SPLIT_LABELS[SPLITS[dimension][code]], count)
                for code, count in split.items()
                if code != "not_recorded" and count is not None
            ]
            if cells:
                parts.append(
                    {
                        "kind": "split",
                        "title": None,
                        "cells": cells,
                        "not_recorded": split["not_recorded"],
                    }
                )
        # In the order of ``PAIRS`` (the form's and the export's), not the
        # stored JSON's: PostgreSQL orders a jsonb object's keys its own way.
        for pair in PAIRS:
            if (cells := (self.crossings or {}).get(pair)) is None:
                continue
            shown = [
                (pair_cell_label(pair, cell), cells[cell])
                for cell in PAIR_CELLS[pair]
                if cells.get(cell)
            ]
            parts.append(
                {
                    "kind": "pair",
                    "title": PAIR_LABELS[pair],
                    "cells": shown,
                    "not_recorded": max(people - sum(cells.values()), 0),
                }
            )
        crossed = [(column, getattr(self, column)) for column in RECIPIENT_FIELDS]
        if any(count for _column, count in crossed):
            parts.append(
                {
                    "kind": "crossing",
                    "title": _("By sex, age group and population group"),
                    "cells": [
                        (self._meta.get_field(column).verbose_name, count)
                        for column, count in crossed
                        if count
                    ],
                    "not_recorded": max(people - sum(count for _c, count in crossed), 0),
                }
            )
        return parts

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
        "crossings": models.JSONField(
            _("two-way crossings"),
            null=True,
            blank=True,
            help_text=_(
                "Recipients crossed by two of sex, age group and population group without the "
                'third, e.g. {"sex_age": {"f_18_59": 40}}; empty: none recorded.'
            ),
        ),
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
