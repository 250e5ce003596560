"""What the admin modules of every app share: number fields that read any
script's digits (``LocalNumbersMixin``), saves through the services
(``ServiceWritesAdmin``), the governorate filter and the helpers around them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models
from django.utils.formats import number_format
from simple_history.admin import SimpleHistoryAdmin

from programmes.l10n import CountInput, DecimalInput, LocalDecimalField, LocalIntegerField
from programmes.models import Governorate

# A governorate's boundary is a few kilobytes of coordinates; lists that show
# a governorate next to each row need its name only.
GOVERNORATE_BOUNDARY = "governorate__boundary"


def usd(amount) -> str | None:
    """A dollar amount as the snapshots print it: 19,300,000."""
    if amount is None:
        return None
    return number_format(amount, decimal_pos=0, force_grouping=True)


def model_fields(obj, names) -> dict[str, Any]:
    """``{name: value}`` of ``obj`` for the names that are the model's own
    concrete, editable fields (a form may have others)."""
    own = {
        f.name
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and not f.many_to_many
    }
    return {name: getattr(obj, name) for name in names if name in own}


def created_as(obj, created) -> None:
    """Make the admin's unsaved ``obj`` the row the create service saved, so
    that the admin's log and redirect name it."""
    obj.pk = created.pk
    obj._state = created._state


class LocalNumbersMixin:
    """An admin (or inline) whose whole and decimal number fields read any
    script's digits and separators, "١٬٢٥٠٫٥" as "1250.5", as the pages' forms
    and the API do (``programmes.l10n``): text boxes with the digits
    keyboard, not the browser's number boxes, which refuse Arabic-Indic digits.
    Put it first among the bases; an admin with formfield_overrides of its own
    starts them from ``LocalNumbersMixin.formfield_overrides``."""

    formfield_overrides = {
        # Every integer field: the big ones have an entry of their own in
        # Django's admin defaults, found before IntegerField's.
        **{
            field: {"form_class": LocalIntegerField, "widget": CountInput(attrs={"class": css})}
            for field, css in (
                (models.IntegerField, "vIntegerField"),
                (models.BigIntegerField, "vBigIntegerField"),
            )
        },
        models.DecimalField: {"form_class": LocalDecimalField, "widget": DecimalInput},
    }


class ServiceWritesAdmin(LocalNumbersMixin, SimpleHistoryAdmin):
    """An admin whose saves and deletions go through the model's services:
    ``create(user, fields)``, ``update(<name>=obj, user, fields)``,
    ``delete(<name>=obj, user)`` (see ``programmes.services``)."""

    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    delete_service: Callable[..., None]
    instance_name: str

    def save_model(self, request, obj, form, change):
        if change:
            type(self).update_service(
                **{self.instance_name: obj},
                user=request.user,
                fields=model_fields(obj, form.changed_data),
            )
        else:
            created = type(self).create_service(
                user=request.user, fields=model_fields(obj, form.cleaned_data)
            )
            created_as(obj, created)

    def delete_model(self, request, obj):
        type(self).delete_service(**{self.instance_name: obj}, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            type(self).delete_service(**{self.instance_name: obj}, user=request.user)


class GovernorateFilter(admin.RelatedFieldListFilter):
    """The governorate filter, without loading 18 boundaries to list 18 names."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ["name_iom"]
        return list(Governorate.objects.order_by(*ordering).values_list("pk", "name_iom"))
