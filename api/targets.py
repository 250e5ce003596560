"""Targets over the API: what each indicator should reach, per programme or
project, period, place and split, with the actual against it.

Reads follow ``indicators.access.targets_for_user`` (a manager their
programmes', projects' and governorates' targets, a monitor those set in
their governorates, an administrator all, a donor none). Managers in scope
and administrators write them through ``indicators.target_services``, which
keeps their history; anyone else gets 403. Each target comes with its
``progress`` on ``?as_of=`` (default today): the actual over the target's
period up to that day, the percent reached, the percent of the period
elapsed, and ``on_track`` or ``behind``.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from api.base import ApiViewSet, HasRole, NumbersTyped, Role, validate_with_model
from api.programmes import PlaceField
from exports import hxl
from indicators import target_services
from indicators.access import targets_for_user
from indicators.models import IndicatorDefinition, Target
from indicators.periods import period_parse
from indicators.selectors import target_progress
from programmes.access import user_role
from programmes.models import Governorate, Programme, Project

AS_OF = OpenApiParameter(
    "as_of", dt.date, description="The day the progress is read on (default: today)."
)


class ManagersWrite(BasePermission):
    """Reads for every role in scope; writes for managers and administrators
    (whose scope the write service checks)."""

    message = _("Only a manager of this programme or an administrator can set its targets.")

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or user_role(request.user) in (
            Role.MANAGER,
            Role.ADMIN,
        )


class ProgressSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    actual = serializers.DecimalField(max_digits=22, decimal_places=2)
    percent = serializers.DecimalField(
        max_digits=30, decimal_places=1, allow_null=True, help_text=_("Null for a target of 0.")
    )
    elapsed = serializers.DecimalField(
        max_digits=4, decimal_places=1, help_text=_("Percent of the period gone by as_of.")
    )
    status = serializers.ChoiceField(choices=["on_track", "behind"])


class TargetSerializer(NumbersTyped, serializers.ModelSerializer):
    definition = serializers.SlugRelatedField(
        slug_field="code", queryset=IndicatorDefinition.objects.all()
    )
    programme = serializers.SlugRelatedField(
        slug_field="code", queryset=Programme.objects.all(), required=False, allow_null=True
    )
    project = serializers.SlugRelatedField(
        slug_field="code", queryset=Project.objects.all(), required=False, allow_null=True
    )
    period = serializers.CharField(
        write_only=True,
        required=False,
        max_length=10,
        help_text=_("Instead of the two dates: 2018, 2018-H1, 2018-Q2 or 2018-04."),
    )
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)
    governorate = serializers.SlugRelatedField(
        slug_field="pcode",
        queryset=Governorate.objects.defer("boundary"),
        required=False,
        allow_null=True,
        help_text=_("A governorate P-code; taken from the district when a district is given."),
    )
    district = PlaceField(required=False, allow_null=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = [
            "id",
            "definition",
            "programme",
            "project",
            "period",
            "period_start",
            "period_end",
            "governorate",
            "district",
            "split",
            "value",
            "note",
            "progress",
        ]
        extra_kwargs = {"value": {"min_value": 0}}
        # The model's own unique check (validate_with_model) says it by field.
        validators: list = []

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, target: Target) -> dict | None:
        progress = self.context.get("progress", {}).get(target.pk)
        if progress is None:
            return None
        return ProgressSerializer(
            {
                "as_of": progress.as_of,
                "actual": progress.actual,
                "percent": progress.percent,
                "elapsed": progress.elapsed,
                "status": progress.status,
            }
        ).data

    def validate(self, attrs):
        period = attrs.pop("period", None)
        if period:
            try:
                attrs["period_start"], attrs["period_end"] = period_parse(period)
            except ValueError:
                raise serializers.ValidationError(
                    {"period": [_("Write the period as 2018, 2018-H1, 2018-Q2 or 2018-04.")]}
                ) from None
        if self.instance is None:
            missing = [n for n in ("period_start", "period_end") if n not in attrs]
            if missing:
                raise serializers.ValidationError(
                    {name: [_("Give the period or its first and last days.")] for name in missing}
                )
        district = attrs.get("district")
        if district is not None:
            attrs["governorate"] = district.governorate
        return validate_with_model(self, attrs)


class TargetFilter(django_filters.FilterSet):
    definition = django_filters.ModelChoiceFilter(
        queryset=IndicatorDefinition.objects.all(),
        to_field_name="code",
        help_text=_("An indicator code."),
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(),
        to_field_name="code",
        method="in_programme",
        help_text=_("A programme code: its own targets and its projects'."),
    )
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.all(), to_field_name="code", help_text=_("A project code.")
    )

    class Meta:
        model = Target
        fields = ["definition", "programme", "project"]

    def in_programme(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(programme=value) | Q(project__programme=value))


@extend_schema_view(
    list=extend_schema(parameters=[AS_OF]), retrieve=extend_schema(parameters=[AS_OF])
)
class TargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    """Targets in the user's scope, each with its progress (see above)."""

    permission_classes = [HasRole, ManagersWrite]
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["period_start", "period_end", "value", "id"]
    ordering = ["definition__position", "definition__code", "period_start", "id"]
    hxl_tags = hxl.hxl_tags(
        "period_start",
        "period_end",
        "split",
        "note",
        definition="indicator_code",
        programme="programme_code",
        project="project_code",
        governorate="adm1_code",
        district="adm2_code",
        value="target",
    )

    def get_queryset(self):
        return (
            targets_for_user(self.request.user)
            .select_related("definition", "programme", "project", "governorate", "district")
            .defer("governorate__boundary", "district__boundary")
        )

    def _as_of(self) -> dt.date:
        raw = self.request.query_params.get("as_of")
        if not raw:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise exceptions.ValidationError({"as_of": [_("Give a date as YYYY-MM-DD.")]}) from None

    def _with_progress(self, targets) -> dict:
        return {p.target.pk: p for p in target_progress(targets, as_of=self._as_of())}

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(
            page,
            many=True,
            context={**self.get_serializer_context(), "progress": self._with_progress(page)},
        )
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        target = self.get_object()
        context = {**self.get_serializer_context(), "progress": self._with_progress([target])}
        return Response(self.get_serializer(target, context=context).data)

    def perform_create(self, serializer):
        serializer.instance = target_services.target_set(
            user=self.request.user, fields=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = target_services.target_set(
            user=self.request.user, target=serializer.instance, fields=serializer.validated_data
        )

    def perform_destroy(self, instance):
        target_services.target_delete(target=instance, user=self.request.user)


ROUTES = [("targets", TargetViewSet, "target")]
