"""Writes of the indicators' reference data through the API: definitions
(with their filters) and household multipliers. Administrators call them;
who may is decided before. Each asks, after commit, for the recomputation
its change needs (``services.recompute_request_full``, ``multiplier_set``)."""

from __future__ import annotations

from django.db import transaction

from indicators.models import HouseholdMultiplier, IndicatorDefinition
from indicators.services import multiplier_set, recompute_request_full
from programmes.services import reference_save


@transaction.atomic
def definition_create(*, user, fields) -> IndicatorDefinition:
    """A new definition (its filters among ``fields``: activity types,
    sectors, programmes as lists); its values are computed after commit."""
    definition = reference_save(instance=IndicatorDefinition(), user=user, fields=fields)
    recompute_request_full(user=user, definition_ids=[definition.pk])
    return definition


@transaction.atomic
def definition_update(*, definition: IndicatorDefinition, user, fields) -> IndicatorDefinition:
    """``definition`` changed by ``fields``; its values are computed again
    after commit, as when the admin saves it."""
    reference_save(instance=definition, user=user, fields=fields)
    recompute_request_full(user=user, definition_ids=[definition.pk])
    return definition


@transaction.atomic
def multiplier_create(*, user, fields) -> HouseholdMultiplier:
    """A new household multiplier from a month (``multiplier_set``)."""
    return multiplier_set(user=user, **fields)


@transaction.atomic
def multiplier_update(*, multiplier: HouseholdMultiplier, user, fields) -> HouseholdMultiplier:
    """``multiplier``'s value or note changed (its month stays): every figure
    using the mission's multiplier is recomputed."""
    return multiplier_set(
        value=fields.get("value", multiplier.value),
        effective_from=multiplier.effective_from,
        note=fields.get("note", multiplier.note),
        user=user,
    )
