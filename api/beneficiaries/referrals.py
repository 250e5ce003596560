"""Issues found on visits and whom they were referred to, over the API:
read within the visits the user may see (``visits_for_user``: donors none),
and closed by a manager of the visit's scope or an administrator with
``POST referrals/{id}/close/`` (``services.referral_close``). Issues are
added and changed with their visit, on its page."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import ApiViewSet
from beneficiaries import access, services
from beneficiaries.models import Referral
from exports import hxl
from programmes.models import Governorate, Programme


class ReferralSerializer(serializers.ModelSerializer):
    visit_date = serializers.DateField(source="visit.visit_date", read_only=True)
    project_code = serializers.CharField(source="visit.project.code", read_only=True)
    governorate = serializers.CharField(
        source="visit.governorate.pcode", read_only=True, help_text=_("P-code.")
    )
    programme = serializers.CharField(source="visit.project.programme.code", read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "visit",
            "visit_date",
            "project_code",
            "governorate",
            "programme",
            "issue",
            "referred_to",
            "closed_on",
        ]
        read_only_fields = fields


class CloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(help_text=_("The day the issue was dealt with."))


class ReferralFilter(django_filters.FilterSet):
    open = django_filters.BooleanFilter(
        field_name="closed_on", lookup_expr="isnull", help_text=_("true: still open.")
    )
    governorate = django_filters.ModelChoiceFilter(
        field_name="visit__governorate",
        queryset=Governorate.objects.defer("boundary"),
        to_field_name="pcode",
        help_text=_("A governorate P-code, e.g. IQG13."),
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="visit__project__programme",
        queryset=Programme.objects.all(),
        to_field_name="code",
        help_text=_("A programme code."),
    )

    class Meta:
        model = Referral
        fields = ["open", "governorate", "programme"]


_NOT_FOUND = OpenApiResponse(description=_("No such referral, or not yours to close."))


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Issues found on the visits you may see, newest visit first."""

    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    ordering_fields = ["id", "closed_on", "visit__visit_date"]
    ordering = ["-visit__visit_date", "-id"]
    hxl_tags = hxl.hxl_tags(
        "project_code",
        "visit_date",
        "issue",
        "referred_to",
        "closed_on",
        governorate="adm1_code",
        programme="programme_code",
    )

    def get_queryset(self):
        return access.referrals_for_user(self.request.user).select_related(
            "visit__governorate", "visit__project__programme"
        )

    @extend_schema(
        request=CloseSerializer,
        responses={200: ReferralSerializer, 400: OpenApiResponse(), 404: _NOT_FOUND},
        summary=_("Mark a referral closed (managers of the visit's scope)"),
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        referral = self.get_object()
        if not access.visit_can_close_referrals(request.user, referral.visit):
            raise exceptions.NotFound()
        form = CloseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.referral_close(
            referral=referral, user=request.user, closed_on=form.validated_data["closed_on"]
        )
        return Response(self.get_serializer(self.get_object()).data)
