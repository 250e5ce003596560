"""The hook through which the lower layers ask for derived figures to be
recomputed, without importing the layer that computes them.

Reference data and funding (``programmes``) and field records
(``beneficiaries``) sit below the indicator engine (``indicators``): they must
not import it, yet a change to a record has to recompute what it counts in.
The engine registers its handlers here when Django starts
(``IndicatorsConfig.ready``); the services below it call the functions of this
module. A call with no handler registered raises, so a recompute is never
dropped silently.

- ``scope_of(instance)``: what one record (assistance, visit, feedback,
  contribution) counts in as it is now: an opaque value, or None.
- ``assistance_scope(records)``: the same for several assistance records.
- ``recompute_after_change(scopes=[...])``: queue, after commit, the
  recomputation of those scopes (pass the scopes before and after a change).
- ``recompute_request_full(user=...)``: queue a full recomputation after
  commit (a change to reference data that can move many records).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecomputeHandlers:
    scope_of: Callable[[Any], Any]
    assistance_scope: Callable[[Iterable[Any]], Any]
    recompute_after_change: Callable[..., None]
    recompute_request_full: Callable[..., Any]


_handlers: RecomputeHandlers | None = None


def register(handlers: RecomputeHandlers) -> None:
    """Called once by the layer that recomputes figures (the indicators app)."""
    global _handlers
    _handlers = handlers


def _registered() -> RecomputeHandlers:
    if _handlers is None:
        raise RuntimeError(
            "No recompute handlers are registered: is the indicators app in INSTALLED_APPS?"
        )
    return _handlers


def scope_of(instance) -> Any:
    return _registered().scope_of(instance)


def assistance_scope(records: Iterable[Any]) -> Any:
    return _registered().assistance_scope(records)


def recompute_after_change(*, scopes: Iterable[Any]) -> None:
    _registered().recompute_after_change(scopes=scopes)


def recompute_request_full(*, user=None) -> Any:
    return _registered().recompute_request_full(user=user)


class RecomputeAfterChangeMixin:
    """Admin mixin for records that feed indicators (assistance, visits,
    feedback, contributions): after a save or delete, recompute what the record
    counted in before and after the change (queued after commit)."""

    def _before(self, obj):
        if obj.pk is None:
            return None
        return scope_of(type(obj).objects.get(pk=obj.pk))

    def save_model(self, request, obj, form, change):
        before = self._before(obj) if change else None
        super().save_model(request, obj, form, change)
        recompute_after_change(scopes=[before, scope_of(obj)])

    def delete_model(self, request, obj):
        before = self._before(obj)
        super().delete_model(request, obj)
        recompute_after_change(scopes=[before])

    def delete_queryset(self, request, queryset):
        scopes = [scope_of(obj) for obj in queryset]
        super().delete_queryset(request, queryset)
        recompute_after_change(scopes=scopes)


# --- The data stamp -----------------------------------------------------------------
# ``indicators.selectors.data_stamp``: a text that moves with every committed
# write to the tables the dashboards read (visits, projects and places among
# them) and with every engine run. The lower layers key caches on it through
# this hook; with no handler there is no stamp, and nothing is cached by it.

_data_stamp: Callable[[], str] | None = None


def register_data_stamp(function: Callable[[], str]) -> None:
    """Called once by the indicators app, which keeps the stamp."""
    global _data_stamp
    _data_stamp = function


def data_stamp() -> str | None:
    """The data stamp now (one query), or None when no app keeps one."""
    return _data_stamp() if _data_stamp is not None else None
