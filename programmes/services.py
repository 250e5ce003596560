"""Writes of the portfolio's reference data and funding: donors, programmes,
projects and contributions.

The API, the admin and any page call these, never ``save()`` or ``delete()``
on the models themselves, so that every write is checked the same way, names
its user in the record's history and asks for the recomputation it needs:

- a contribution counts in the funding figures: its change or deletion
  recomputes what it counted in before and after (``hooks.scope_of``);
- a programme or a project can move many records in or out of a definition
  (a project's status or sector): its change queues a full recomputation;
- a donor counts in nothing by itself: no recomputation;
- a contribution is entered as the donor gave it (``amount`` in
  ``currency``): the service sets its US$ rate and amount from the exchange
  rate in force on its date (``contribution_priced``), and keeps them. A rate
  entered or changed later prices the contributions entered or edited after
  it, not those already stored (their US$ figures stay as reported).

Each service is atomic and keyword-only; ``fields`` maps model field names to
values (a foreign key by its object). The model's own checks run before the
write (``full_clean``: field rules, ``clean()`` and the unique and check
constraints): a broken rule raises ``ValidationError`` by field, never an
``IntegrityError``. A deletion of a record others refer to raises Django's
``ProtectedError``. Who may call them (administrators) is decided before.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programmes.hooks import recompute_after_change, recompute_request_full, scope_of
from programmes.models import (
    USD,
    Contribution,
    Donor,
    ExchangeRate,
    Portfolio,
    Programme,
    Project,
    Sector,
)
from programmes.names import english_filled
from programmes.selectors import exchange_rate_on
from programmes.services_coverage import (
    coverage_checked,
    coverage_derive,
    coverage_wanted,
    coverage_write,
)

M = TypeVar("M", bound=models.Model)


def _apply(instance: M, fields: Mapping[str, Any]) -> M:
    """Set ``fields`` on ``instance``: concrete, editable fields only, so that
    a caller cannot slip in ``pk`` or a name the model does not have."""
    for name, value in fields.items():
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            raise TypeError(f"{type(instance).__name__} has no field {name!r}") from None
        if not field.concrete or not field.editable or field.primary_key or field.many_to_many:
            raise TypeError(f"{type(instance).__name__}.{name} is not written by this service")
        setattr(instance, name, value)
    # A name given in one language only is the English one too (``programmes.names``).
    english_filled(instance)
    return instance


def _save(instance: M, *, user) -> M:
    instance.full_clean(validate_unique=True)
    instance._history_user = user
    instance.save()
    return instance


def _delete(instance: models.Model, *, user) -> None:
    instance._history_user = user
    instance.delete()


def _stored(instance: M) -> M:
    """The row as stored now, under a row lock (the caller's copy may already
    hold the new values, as an admin form's does)."""
    return type(instance).objects.select_for_update().get(pk=instance.pk)


@transaction.atomic
def reference_save(*, instance: M, user, fields: Mapping[str, Any]) -> M:
    """``instance`` (new, or stored: then locked first) with ``fields`` set,
    checked and saved with ``user`` in its history; the many-to-many fields
    among ``fields`` (iterables of objects) are set after the save. For the
    reference data of every app (sectors, activity types, surveys,
    definitions), which no recomputation follows by itself. Returns it."""
    many = {f.name for f in instance._meta.many_to_many}
    related = {name: value for name, value in fields.items() if name in many}
    if instance.pk:
        _stored(instance)
    _save(_apply(instance, {n: v for n, v in fields.items() if n not in many}), user=user)
    for name, value in related.items():
        getattr(instance, name).set(value)
    return instance


# --- Sectors ------------------------------------------------------------------------


@transaction.atomic
def sector_create(*, user, fields: Mapping[str, Any]) -> Sector:
    """A new sector, checked and saved."""
    return reference_save(instance=Sector(), user=user, fields=fields)


@transaction.atomic
def sector_update(*, sector: Sector, user, fields: Mapping[str, Any]) -> Sector:
    """``sector`` renamed or recoded: definitions and projects refer to it by
    row, so no figure changes."""
    return reference_save(instance=sector, user=user, fields=fields)


# --- Donors -------------------------------------------------------------------------


@transaction.atomic
def donor_create(*, user, fields: Mapping[str, Any]) -> Donor:
    """A new donor, checked and saved with ``user`` in its history."""
    return _save(_apply(Donor(), fields), user=user)


@transaction.atomic
def donor_update(*, donor: Donor, user, fields: Mapping[str, Any]) -> Donor:
    """``donor`` changed by ``fields``, checked and saved."""
    _stored(donor)
    return _save(_apply(donor, fields), user=user)


@transaction.atomic
def donor_delete(*, donor: Donor, user) -> None:
    """Delete ``donor``; ProtectedError when a project, contribution or user
    refers to it."""
    _delete(donor, user=user)


# --- Programmes ---------------------------------------------------------------------


@transaction.atomic
def programme_create(*, user, fields: Mapping[str, Any]) -> Programme:
    """A new programme; queues a full recomputation after commit."""
    programme = _save(_apply(Programme(), fields), user=user)
    recompute_request_full(user=user)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, user, fields: Mapping[str, Any]) -> Programme:
    """``programme`` changed by ``fields``; queues a full recomputation."""
    _stored(programme)
    _save(_apply(programme, fields), user=user)
    recompute_request_full(user=user)
    return programme


@transaction.atomic
def programme_delete(*, programme: Programme, user) -> None:
    """Delete ``programme`` (ProtectedError while it has projects or
    contributions); queues a full recomputation."""
    _delete(programme, user=user)
    recompute_request_full(user=user)


# --- Portfolios ---------------------------------------------------------------------


def portfolio_key(programmes) -> str:
    """The programme codes, sorted and joined by "+": a snapshot series' key."""
    return "+".join(sorted(p.code for p in programmes))


@transaction.atomic
def portfolio_create(*, user, fields: Mapping[str, Any], programmes) -> Portfolio:
    """A new portfolio of ``programmes`` (at least one), keyed by their codes."""
    return portfolio_update(portfolio=Portfolio(), user=user, fields=fields, programmes=programmes)


@transaction.atomic
def portfolio_update(
    *, portfolio: Portfolio, user, fields: Mapping[str, Any], programmes=None
) -> Portfolio:
    """``portfolio`` changed by ``fields`` and, when given, made of
    ``programmes`` (ValidationError for none); its key follows them. Its
    contributions move with it: a full recomputation is queued."""
    if portfolio.pk:
        _stored(portfolio)
    if programmes is not None:
        programmes = list(programmes)
        if not programmes:
            raise ValidationError({"programmes": _("A portfolio holds at least one programme.")})
        portfolio.key = portfolio_key(programmes)
    _save(_apply(portfolio, fields), user=user)
    if programmes is not None:
        portfolio.programmes.set(programmes)
    recompute_request_full(user=user)
    return portfolio


@transaction.atomic
def portfolio_delete(*, portfolio: Portfolio, user) -> None:
    """Delete ``portfolio``; ProtectedError while contributions go to it."""
    _delete(portfolio, user=user)


# --- Projects -----------------------------------------------------------------------


def _project_save(project: Project, *, user, fields: Mapping[str, Any]) -> Project:
    """``project`` with ``fields`` set and its coverage (``fields["coverage"]``,
    or its one place) checked, derived and saved (``programmes/services_coverage.py``)."""
    fields = dict(fields)
    given = fields.pop("coverage", None)
    _apply(project, fields)
    places = coverage_wanted(project, fields, given)
    if places is not None:
        places = coverage_checked(places, national=project.national)
        coverage_derive(project, places)
    _save(project, user=user)
    if places is not None:
        coverage_write(project, places)
    return project


@transaction.atomic
def project_create(*, user, fields: Mapping[str, Any]) -> Project:
    """A new project, inside its programme's period, covering the places of
    ``fields["coverage"]`` (governorates and districts), the whole country
    (``national``), or its one ``governorate``/``district``; queues a full
    recomputation after commit."""
    project = _project_save(Project(), user=user, fields=fields)
    recompute_request_full(user=user)
    return project


@transaction.atomic
def project_update(*, project: Project, user, fields: Mapping[str, Any]) -> Project:
    """``project`` changed by ``fields`` (its coverage too, as in
    ``project_create``); queues a full recomputation (a status or sector
    moves its records between definitions)."""
    _stored(project)
    _project_save(project, user=user, fields=fields)
    recompute_request_full(user=user)
    return project


@transaction.atomic
def project_delete(*, project: Project, user) -> None:
    """Delete ``project`` (ProtectedError while visits or records refer to
    it); queues a full recomputation."""
    _delete(project, user=user)
    recompute_request_full(user=user)


# --- Contributions ------------------------------------------------------------------


CENT = Decimal("0.01")


def contribution_priced(*, contribution: Contribution) -> Contribution:
    """``contribution`` with its US$ rate and amount set from the exchange
    rate of its currency in force on its date (US dollars: 1). A
    ValidationError on ``currency`` naming the currency and the date when
    there is no such rate; nothing is saved. Needs a currency, an amount and
    a date: without them it leaves the figures unset for the checks to name."""
    currency, amount, day = contribution.currency, contribution.amount, contribution.date
    if not currency or amount is None or day is None:
        return contribution
    rate = exchange_rate_on(currency=currency, day=day)
    if rate is None:
        raise ValidationError(
            {
                "currency": _(
                    "No exchange rate for %(currency)s on %(date)s: an administrator "
                    "enters one valid from that date or before."
                )
                % {"currency": currency, "date": date_format(day, "Y-m-d")}
            }
        )
    contribution.usd_rate = rate
    contribution.amount_usd = (Decimal(amount) * rate).quantize(CENT)
    return contribution


def contribution_fields_as_given(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` with a bare ``amount_usd`` (a caller that knows the US$
    figure only) read as a US-dollar contribution of that amount."""
    fields = dict(fields)
    amount_usd = fields.pop("amount_usd", None)
    if amount_usd is not None and "amount" not in fields:
        fields["amount"] = amount_usd
        fields.setdefault("currency", USD)
    return fields


@transaction.atomic
def contribution_create(*, user, fields: Mapping[str, Any]) -> Contribution:
    """A new contribution; recomputes what it counts in after commit."""
    contribution = _apply(Contribution(), contribution_fields_as_given(fields))
    _save(contribution_priced(contribution=contribution), user=user)
    recompute_after_change(scopes=[scope_of(contribution)])
    return contribution


@transaction.atomic
def contribution_update(
    *, contribution: Contribution, user, fields: Mapping[str, Any]
) -> Contribution:
    """``contribution`` changed by ``fields``; recomputes what it counted in
    before the change and counts in after."""
    before = scope_of(_stored(contribution))
    _apply(contribution, contribution_fields_as_given(fields))
    _save(contribution_priced(contribution=contribution), user=user)
    recompute_after_change(scopes=[before, scope_of(contribution)])
    return contribution


@transaction.atomic
def contribution_delete(*, contribution: Contribution, user) -> None:
    """Delete ``contribution``; recomputes what it counted in."""
    before = scope_of(_stored(contribution))
    _delete(contribution, user=user)
    recompute_after_change(scopes=[before])


# --- Exchange rates -----------------------------------------------------------------


@transaction.atomic
def exchange_rate_create(*, user, fields: Mapping[str, Any]) -> ExchangeRate:
    """A new rate; it prices the contributions entered or edited from now on."""
    return _save(_apply(ExchangeRate(), fields), user=user)


@transaction.atomic
def exchange_rate_update(
    *, exchange_rate: ExchangeRate, user, fields: Mapping[str, Any]
) -> ExchangeRate:
    """``exchange_rate`` changed by ``fields``; stored contributions keep theirs."""
    _stored(exchange_rate)
    return _save(_apply(exchange_rate, fields), user=user)


@transaction.atomic
def exchange_rate_delete(*, exchange_rate: ExchangeRate, user) -> None:
    """Delete ``exchange_rate``; stored contributions keep the rate they had."""
    _delete(exchange_rate, user=user)
