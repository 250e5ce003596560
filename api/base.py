"""What every endpoint of the API shares: the model checks before a write,
the role checks and the base viewset (pagination, the body-size limit and the
error handler are in ``plumbing``).

Every viewset reads its objects through one queryset built from the access
helpers of its app (``programmes.access``, ``beneficiaries.selectors``,
``indicators.selectors``), so a list, a detail and an action all see the same
scope; an object outside it is "not found" (404), never "forbidden", so that
its existence is not disclosed either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from modeltranslation.utils import get_translation_fields
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import JSONRenderer

from api.plumbing import django_errors
from api.renderers import CSVRenderer
from programmes.access import may_write_funding_to, user_role
from programmes.l10n import number_typed
from programmes.models import UserProfile
from programmes.names import english_filled

Role = UserProfile.Role


def translated(*names: str) -> list[str]:
    """The fields of ``names`` in each language (``name_en``, ``name_ar``,
    ``name_ckb``...), for a serializer of a model with translated fields
    (``translation.py``): ``name`` itself reads and writes the request's
    language (English where it has none); writers give each language's value
    here. Left out on a write, a language keeps its value."""
    return get_translation_fields(*names)


# A name given in any language will do (``translated``).
NAME_OPTIONAL = {"name": {"required": False}}


def validate_with_model(serializer: serializers.ModelSerializer, attrs: dict) -> dict:
    """Run the model's own checks (``full_clean``: field rules, ``clean()``
    and the database's check and unique constraints) on the instance as it
    would be saved, so that a bad value is a 400 by field and never reaches
    the database as an IntegrityError."""
    model = serializer.Meta.model
    instance = (
        model() if serializer.instance is None else model.objects.get(pk=serializer.instance.pk)
    )
    many_to_many = {f.name for f in model._meta.many_to_many}
    for name, value in attrs.items():
        if name not in many_to_many:
            setattr(instance, name, value)
    english_filled(instance)  # as the services will (``programmes.names``)
    try:
        instance.full_clean(validate_unique=True)
    except DjangoValidationError as error:
        raise serializers.ValidationError(django_errors(error)) from None
    return attrs


class HasRole(BasePermission):
    """Signed in, with a role (a user without a profile sees nothing)."""

    message = _("Your account has no role yet: ask an administrator.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and (
            user_role(request.user) is not None
        )


class AdminWrites(BasePermission):
    """Reads for every role (in their scope); writes for administrators only.
    Used for the reference data and funding, written through
    ``programmes.services`` after the model's own checks. A change to an object
    is refused only once the object was found in the user's scope, so that
    one outside it stays "not found"."""

    message = _("Only an administrator can change this.")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS or view.lookup_url_kwarg_value() is not None:
            return True
        return user_role(request.user) == Role.ADMIN

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS or user_role(request.user) == Role.ADMIN


class ScopedWrites(BasePermission):
    """Reads for every role (in their scope); writes for administrators and,
    for the projects and contributions of the programmes they manage, for
    managers (``programmes.access``: the viewset's ``writable(user)`` gives
    the records the user may change, and its writes check the programme or
    portfolio they name). Monitors and donors write nothing. A record outside
    the user's scope stays "not found"."""

    message = _("Only an administrator, or a manager of its programme, can change this.")

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS or view.lookup_url_kwarg_value() is not None:
            return True
        return user_role(request.user) in (Role.ADMIN, Role.MANAGER)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return view.writable(request.user).filter(pk=obj.pk).exists()


def api_language_activate(request) -> None:
    """The language of the API's labels and messages (never of its field
    names): the one the client asks for in ``Accept-Language`` (or a
    browser's language cookie), which ``LocaleMiddleware`` has activated;
    when it asks for none, the user's saved preference, as on the pages;
    else English. Called once the user is known (after authentication)."""
    if request.META.get("HTTP_ACCEPT_LANGUAGE") or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return
    profile = getattr(request.user, "profile", None) if request.user.is_authenticated else None
    language = getattr(profile, "language", "") or ""
    if language and language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language


class ApiViewSet(viewsets.GenericViewSet):
    """The base of every viewset: signed in with a role, filters and
    ordering, JSON; lists also in CSV where ``csv_list`` is set.

    ``get_queryset`` must return only what ``request.user`` may see: it is
    used by lists, details and actions alike."""

    permission_classes = [HasRole]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    renderer_classes = [JSONRenderer, CSVRenderer]
    csv_list = True
    hxl_tags: dict[str, str] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        api_language_activate(request)

    def lookup_url_kwarg_value(self):
        """The object named in the URL, or None for a collection."""
        return self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)

    def get_renderers(self):
        renderers = super().get_renderers()
        if not (self.csv_list and self.action == "list"):
            renderers = [r for r in renderers if not isinstance(r, CSVRenderer)]
        return renderers


class LocalIntegerField(serializers.IntegerField):
    """A whole number: a JSON number, or text typed in any digits, thousands
    grouped or not ("١٬٢٠٠", ``programmes.l10n.number_typed``)."""

    def to_internal_value(self, data):
        return super().to_internal_value(number_typed(data) if isinstance(data, str) else data)


class LocalDecimalField(serializers.DecimalField):
    """A decimal number: a JSON number, or text typed in any digits with "٫"
    or "." before its fraction ("١٢٫٥", ``programmes.l10n.number_typed``)."""

    def to_internal_value(self, data):
        return super().to_internal_value(number_typed(data) if isinstance(data, str) else data)


class NumbersTyped:
    """A model serializer whose number fields read text typed in any digits
    (``LocalIntegerField``, ``LocalDecimalField``), as the pages' forms do."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        **{
            model_field: LocalIntegerField
            for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
            if field is serializers.IntegerField
        },
        models.DecimalField: LocalDecimalField,
    }


class ModelChecked(NumbersTyped, serializers.ModelSerializer):
    """A model serializer that runs the model's own checks before saving."""

    def validate(self, attrs):
        return validate_with_model(self, super().validate(attrs))


class AdminWritesViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ApiViewSet,
):
    """Read in scope; created and changed by administrators only."""

    permission_classes = [HasRole, AdminWrites]
    # The write services of the model (``programmes.services``): create(user,
    # fields), update(<model>, user, fields) and, where deletion is offered,
    # delete(<model>, user).
    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    instance_name: str

    def perform_create(self, serializer):
        serializer.instance = type(self).create_service(
            user=self.request.user, fields=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = type(self).update_service(
            **{self.instance_name: serializer.instance},
            user=self.request.user,
            fields=serializer.validated_data,
        )


class ScopedWritesViewSet(AdminWritesViewSet):
    """Read in scope; created and changed by administrators, and by managers
    for the programmes they manage (``programmes.access``): a write naming a
    programme or portfolio the user may not write to is refused (403)."""

    permission_classes = [HasRole, ScopedWrites]

    def writable(self, user):
        """The records of this viewset ``user`` may change."""
        raise NotImplementedError

    def check_target(self, data: dict, instance=None) -> None:
        """Refuse (403) a write whose programme or portfolio, as it will be
        saved, is not one the user may write to."""
        target = {
            name: data[name] if name in data else getattr(instance, name, None)
            for name in ("programme", "portfolio")
            if hasattr(self.serializer_class.Meta.model, name)
        }
        if not may_write_funding_to(self.request.user, **target):
            raise PermissionDenied(ScopedWrites.message)

    def perform_create(self, serializer):
        self.check_target(serializer.validated_data)
        super().perform_create(serializer)

    def perform_update(self, serializer):
        self.check_target(serializer.validated_data, serializer.instance)
        super().perform_update(serializer)
