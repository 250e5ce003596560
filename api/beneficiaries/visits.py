"""Monitoring visits over the API, with the review workflow as actions.

Every visit is fetched through ``beneficiaries.access.visit_for_user``,
as the pages do: reading needs the visit in the user's scope; changing and
submitting need it to be theirs (or an administrator's) and still a draft or
returned (``write``); approving and returning need a manager of its scope or
an administrator who is not its monitor (``review``). Anything else is "not
found". Writes go through ``beneficiaries.services``; a rule they refuse is a
400 with its message by field.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ApiViewSet
from api.beneficiaries.filters import ProjectRecordFilter
from api.programmes import PlaceField
from beneficiaries import access, services
from beneficiaries.models import RETURN_REASON_MAX_LENGTH, MonitoringVisit
from exports import hxl
from programmes.places import SUBDISTRICT


class ProjectChoiceField(serializers.PrimaryKeyRelatedField):
    """A project the user may record a visit to (``visit_projects``): any
    other id, in scope or not, is "does not exist"."""

    def get_queryset(self):
        return access.visit_projects(self.context["request"].user)


class VisitSerializer(serializers.ModelSerializer):
    project = ProjectChoiceField(help_text=_("The id of the project visited."))
    project_code = serializers.CharField(source="project.code", read_only=True)
    governorate = serializers.CharField(
        source="project.governorate.pcode", read_only=True, help_text=_("P-code.")
    )
    programme = serializers.CharField(source="project.programme.code", read_only=True)
    subdistrict = PlaceField(level=SUBDISTRICT, required=False, allow_null=True)
    monitor = serializers.CharField(source="monitor.username", read_only=True)
    reviewed_by = serializers.CharField(
        source="reviewed_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = MonitoringVisit
        fields = [
            "id",
            "project",
            "project_code",
            "governorate",
            "programme",
            "subdistrict",
            "monitor",
            "visit_date",
            "findings",
            "status",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "reviewed_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]

    def create(self, validated_data):
        return services.visit_create(
            user=self.context["request"].user,
            project=validated_data["project"],
            visit_date=validated_data["visit_date"],
            findings=validated_data.get("findings", ""),
            subdistrict=validated_data.get("subdistrict"),
        )

    def update(self, instance, validated_data):
        return services.visit_update(
            visit=instance,
            user=self.context["request"].user,
            project=validated_data.get("project", instance.project),
            visit_date=validated_data.get("visit_date", instance.visit_date),
            findings=validated_data.get("findings", instance.findings),
            subdistrict=validated_data.get("subdistrict", instance.subdistrict),
        )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=RETURN_REASON_MAX_LENGTH,
        help_text=_("What the monitor must correct: they will read it."),
    )


class VisitFilter(ProjectRecordFilter):
    project = django_filters.NumberFilter(field_name="project_id", help_text=_("A project id."))
    visit_date_after = django_filters.DateFilter(field_name="visit_date", lookup_expr="gte")
    visit_date_before = django_filters.DateFilter(field_name="visit_date", lookup_expr="lte")

    class Meta:
        model = MonitoringVisit
        fields = [
            "status",
            "governorate",
            "programme",
            "project",
            "visit_date_after",
            "visit_date_before",
        ]


_NOT_FOUND = OpenApiResponse(description=_("No such visit, or not yours to act on."))


class VisitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ApiViewSet,
):
    """Monitoring visits (``visits_for_user``): a monitor's own, in their
    governorates; a manager's scope without drafts; everything for an
    administrator; nothing for a donor. Field staff and administrators
    record visits (as drafts) and change them while draft or returned; the
    workflow moves them with the ``submit``, ``approve`` and ``return``
    actions."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    ordering_fields = ["visit_date", "id", "status"]
    ordering = ["-visit_date", "-id"]
    hxl_tags = hxl.hxl_tags(
        "project_code",
        "visit_date",
        "status",
        governorate="adm1_code",
        programme="programme_code",
    )

    def get_queryset(self):
        return (
            access.visits_for_user(self.request.user)
            .select_related("project__governorate", "project__programme", "monitor", "reviewed_by")
            .defer("project__governorate__boundary", "project__governorate__aliases")
        )

    def get_object(self):
        pk = self.kwargs["pk"]
        user = self.request.user
        if self.action in ("update", "partial_update", "submit"):
            return access.visit_for_user(user, pk, write=True)
        if self.action in ("approve", "return_"):
            return access.visit_for_user(user, pk, review=True)
        return access.visit_for_user(user, pk)

    def create(self, request, *args, **kwargs):
        if not access.visit_can_create(request.user):
            raise exceptions.PermissionDenied(_("Only field staff record visits."))
        return super().create(request, *args, **kwargs)

    def _moved(self, visit: MonitoringVisit) -> Response:
        visit = access.visit_for_user(self.request.user, visit.pk)
        return Response(self.get_serializer(visit).data)

    @extend_schema(
        request=None,
        responses={200: VisitSerializer, 400: OpenApiResponse(), 404: _NOT_FOUND},
        summary=_("Submit a draft or returned visit for review"),
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        visit = services.visit_submit(visit=self.get_object(), user=request.user)
        return self._moved(visit)

    @extend_schema(
        request=None,
        responses={200: VisitSerializer, 400: OpenApiResponse(), 404: _NOT_FOUND},
        summary=_("Approve a submitted visit (its figures then count)"),
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        visit = services.visit_approve(visit=self.get_object(), user=request.user)
        return self._moved(visit)

    @extend_schema(
        request=ReturnSerializer,
        responses={200: VisitSerializer, 400: OpenApiResponse(), 404: _NOT_FOUND},
        summary=_("Return a submitted or approved visit to its monitor with a reason"),
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        visit = self.get_object()
        form = ReturnSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        visit = services.visit_return(
            visit=visit, user=request.user, reason=form.validated_data["reason"]
        )
        return self._moved(visit)
