"""One reach shared by several assistance lines: "29 joint and 9 association
businesses reaching 110 households, 660* people".

A ``SharedReach`` holds the households, the direct recipients, the household
size and the splits of recipients that several lines of one delivery reached
together. Its lines (``AssistanceRecord.reach``) keep their own units and
record no reach of their own (0 households, 0 people: a database check), so
nothing that sums the lines counts the 110 households twice; the indicator
engine adds each shared reach once to any figure that holds one of its
approved lines (``indicators/sources/assistance.py``), and to each activity
type's figure that holds one of its lines of that type.

The reach has no project, place or day of its own: it takes its lines', and
the database (migration 0013) refuses lines of one reach that differ in
project, place, day, visit or import.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from beneficiaries.models_splits import (
    RECIPIENT_FIELDS,
    SPLIT_FIELDS,
    RecipientBreakdown,
    split_constraints,
    splits_errors,
)

HOUSEHOLD_SIZE_MIN = 1
HOUSEHOLD_SIZE_MAX = 30

# What a line of a shared reach may not record itself (the reach holds it).
LINE_REACH_FIELDS = ["households", "people", "household_size"]


class SharedReach(RecipientBreakdown):
    """The households and people several lines of one delivery reached together."""

    households = models.PositiveIntegerField(_("households"), default=0)
    people = models.PositiveIntegerField(_("people (direct recipients)"), default=0)
    household_size = models.PositiveSmallIntegerField(
        _("recorded household size"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shared reach")
        verbose_name_plural = _("shared reaches")
        constraints = [
            models.CheckConstraint(
                condition=Q(household_size__isnull=True)
                | Q(household_size__gte=HOUSEHOLD_SIZE_MIN, household_size__lte=HOUSEHOLD_SIZE_MAX),
                name="reach_household_size_range",
            ),
            models.CheckConstraint(
                condition=Q(households__lte=F("people")),
                name="reach_households_not_above_people",
            ),
            *split_constraints("reach"),
        ]

    def __str__(self) -> str:
        return _("%(households)s households, %(people)s people (shared)") % {
            "households": self.households,
            "people": self.people,
        }

    def clean(self) -> None:
        super().clean()
        errors = splits_errors(
            {
                **{column: getattr(self, column) for column in [*SPLIT_FIELDS, *RECIPIENT_FIELDS]},
                "crossings": self.crossings,
            },
            self.people,
        )
        errors.update(reach_errors(self.households, self.people, self.household_size))
        if errors:
            raise ValidationError(errors)


def reach_errors(households: int | None, people: int | None, size: int | None) -> dict[str, str]:
    """What is wrong with a reach's counts, as {field: message} (empty when
    all is well): more households than people, a household size out of range."""
    errors = {}
    if households is not None and people is not None and households > people:
        errors["households"] = _(
            "More households (%(households)s) than people (%(people)s): every household "
            "reached has at least one direct recipient."
        ) % {"households": households, "people": people}
    if size is not None and not (HOUSEHOLD_SIZE_MIN <= size <= HOUSEHOLD_SIZE_MAX):
        errors["household_size"] = _("A household size must be between %(min)s and %(max)s.") % {
            "min": HOUSEHOLD_SIZE_MIN,
            "max": HOUSEHOLD_SIZE_MAX,
        }
    return errors
