"""The portfolio over the API: governorates (with their boundaries as
GeoJSON), sectors, donors, programmes and projects (funding is in
``api.funding``).

Reads follow ``programmes.access``: projects and programmes as
``projects_for_user`` and ``programmes_for_user`` give them, donors and
contributions as the dashboards show them. Governorates and sectors are
reference data every role reads.

Administrators write this data through ``programmes.services``, as the admin
does, and managers the projects of the programmes they manage
(``ScopedWrites``): the serializer checks the input by field
(``validate_with_model``: the model's field rules, ``clean()`` and the
database constraints), the service saves it with the user in the history and
asks for the recomputation the change needs. Nothing is deleted here: these
records are referred to by others (the admin deletes what can be deleted).
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import (
    NAME_OPTIONAL,
    AdminWritesViewSet,
    ApiViewSet,
    ModelChecked,
    ScopedWritesViewSet,
    translated,
)
from api.list_cache import kept_list
from exports import hxl
from programmes import services
from programmes.access import (
    donors_for_user,
    programmes_for_user,
    projects_for_user,
    projects_writable_by,
)
from programmes.models import (
    District,
    Donor,
    Governorate,
    Programme,
    Project,
    Sector,
    SubDistrict,
)
from programmes.places import DISTRICT, GOVERNORATE, SUBDISTRICT, place_resolve
from programmes.selectors import coverage_prefetch, projects_covering
from programmes.services_coverage import coverage_checked, coverage_derive

# --- Serializers --------------------------------------------------------------


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "description": "A GeoJSON geometry (Polygon or MultiPolygon), WGS 84.",
        "properties": {"type": {"type": "string"}, "coordinates": {"type": "array"}},
    }
)
class GeometryField(serializers.JSONField):
    pass


class GovernorateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Governorate
        fields = ["pcode", "iso_3166_2", "name_en", "name_ar", "name_iom", "aliases"]


class GovernorateDetailSerializer(GovernorateSerializer):
    boundary = GeometryField(read_only=True)

    class Meta(GovernorateSerializer.Meta):
        fields = [*GovernorateSerializer.Meta.fields, "boundary"]


class DonorSerializer(ModelChecked):
    class Meta:
        model = Donor
        fields = ["id", "code", "name", "kind", "named"]


class ProgrammeSerializer(ModelChecked):
    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "outcome_area",
            "description",
            "start_date",
            "end_date",
            *translated("name", "description"),
        ]
        extra_kwargs = NAME_OPTIONAL


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "description": "A P-code (a governorate IQG15, a district IQG15Q05, a sub-district "
        "IQG15Q05N01, as the field allows). On writes, also its English or Arabic name or an "
        "alias (Mosul, الموصل, Qayyarah).",
    }
)
class PlaceField(serializers.RelatedField):
    """A place of one ``level`` (or of any of ``levels``), written as its
    P-code, read from a P-code or any name the place matcher knows
    (``programmes.places``)."""

    def __init__(self, *, level: str = DISTRICT, levels: tuple[str, ...] | None = None, **kwargs):
        self.levels = levels or (level,)
        model = SubDistrict if self.levels == (SUBDISTRICT,) else District
        super().__init__(queryset=model.objects.defer("boundary"), **kwargs)

    def get_choices(self, cutoff=None):
        return {}  # hundreds of places: typed, not chosen from a list

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("Give the place's P-code or name."))
        try:
            return place_resolve(data, levels=self.levels)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def to_representation(self, value):
        return value.pcode


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string"},
        "description": "The governorates and districts the project covers, by P-code (on "
        "writes also by name); empty for a national project. A district is never given "
        "beside its own governorate.",
    }
)
class CoverageField(serializers.ListField):
    """A project's coverage: governorates and districts (``project_coverage``)."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        super().__init__(child=PlaceField(levels=(GOVERNORATE, DISTRICT)), **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, project):
        rows = project.coverage.all()  # prefetched by the view
        pcodes = [row.district.pcode if row.district_id else row.governorate.pcode for row in rows]
        if not pcodes and not project.national:
            place = project.district or project.governorate
            pcodes = [place.pcode] if place else []
        return sorted(pcodes)

    def to_internal_value(self, data):
        return {"coverage": super().to_internal_value(data)}


class ProjectSerializer(ModelChecked):
    programme = serializers.SlugRelatedField(slug_field="code", queryset=Programme.objects.all())
    governorate = serializers.SlugRelatedField(
        slug_field="pcode",
        queryset=Governorate.objects.defer("boundary"),
        required=False,
        help_text=_("A governorate P-code; taken from the district when a district is given."),
    )
    district = PlaceField(required=False, allow_null=True)
    coverage = CoverageField(required=False)
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    donor = serializers.SlugRelatedField(slug_field="code", queryset=Donor.objects.all())

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "programme",
            "national",
            "coverage",
            "governorate",
            "district",
            "location_note",
            "community",
            "sector",
            "kind",
            "status",
            "donor",
            "start_date",
            "end_date",
            "budget_usd",
            *translated("name"),
        ]
        extra_kwargs = {"budget_usd": {"min_value": Decimal("0")}, **NAME_OPTIONAL}

    def validate(self, attrs):
        # A coarser place is derived from the finer one, never entered twice.
        district = attrs.get("district")
        if district is not None and "governorate" not in attrs:
            attrs["governorate"] = district.governorate
        coverage = attrs.pop("coverage", None)
        national = attrs.get("national", self.instance.national if self.instance else False)
        if coverage is None and attrs.get("national"):
            coverage = []
        if coverage is None:
            return super().validate(attrs)
        try:
            places = coverage_checked(coverage, national=national)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        # The one place of the coverage, as the service will derive it; the
        # model's checks then see the project as it will be stored.
        probe = Project(national=national)
        coverage_derive(probe, places)
        attrs.update(governorate=probe.governorate, district=probe.district)
        attrs = super().validate({**attrs, "_covers_several": probe._covers_several})
        attrs.pop("_covers_several")
        return {**attrs, "coverage": places}


# --- Filters ------------------------------------------------------------------


class ProgrammeFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(help_text=_("The programme's code, e.g. CRP."))

    class Meta:
        model = Programme
        fields = ["code", "outcome_area"]


class ProjectFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(), to_field_name="code", help_text=_("A programme code.")
    )
    governorate = django_filters.ModelChoiceFilter(
        queryset=Governorate.objects.defer("boundary"),
        to_field_name="pcode",
        method="covering",
        help_text=_("A governorate P-code, e.g. IQG13: the projects covering it or part of it."),
    )
    district = django_filters.ModelChoiceFilter(
        queryset=District.objects.defer("boundary"),
        to_field_name="pcode",
        help_text=_("A district P-code, e.g. IQG15Q05."),
    )
    national = django_filters.BooleanFilter()
    donor = django_filters.ModelChoiceFilter(
        queryset=Donor.objects.all(), to_field_name="code", help_text=_("A donor code.")
    )

    def covering(self, queryset, name, value):
        return projects_covering(queryset, value)

    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(), to_field_name="code", help_text=_("A sector code.")
    )

    class Meta:
        model = Project
        fields = ["programme", "governorate", "district", "donor", "sector", "status", "kind"]


# --- Views --------------------------------------------------------------------


class GovernorateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Iraq's 18 governorates, by OCHA P-code. The detail has the boundary
    (a GeoJSON geometry); ``geojson/`` gives all 18 as a FeatureCollection."""

    lookup_field = "pcode"
    ordering_fields = ["pcode", "name_en", "name_iom"]
    ordering = ["pcode"]
    hxl_tags = hxl.hxl_tags(
        pcode="adm1_code", name_en="adm1_name_en", name_ar="adm1_name_ar", name_iom="adm1_name"
    )

    def get_queryset(self):
        queryset = Governorate.objects.order_by("pcode")
        if self.action != "retrieve":
            queryset = queryset.defer("boundary")
        return queryset

    def get_serializer_class(self):
        return GovernorateDetailSerializer if self.action == "retrieve" else GovernorateSerializer

    @extend_schema(
        filters=False,
        responses={
            200: {
                "type": "object",
                "description": "A GeoJSON FeatureCollection of the 18 governorates; each "
                "feature's properties are its P-code and names.",
                "properties": {
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "features": {"type": "array", "items": {"type": "object"}},
                },
                "required": ["type", "features"],
            }
        },
    )
    @action(detail=False, pagination_class=None, filter_backends=[])
    def geojson(self, request):
        features = [
            {
                "type": "Feature",
                "id": g.pcode,
                "properties": {
                    "pcode": g.pcode,
                    "name_en": g.name_en,
                    "name_ar": g.name_ar,
                    "name_iom": g.name_iom,
                },
                "geometry": g.boundary,
            }
            for g in Governorate.objects.order_by("pcode")
        ]
        return Response({"type": "FeatureCollection", "features": features})


class DonorViewSet(AdminWritesViewSet):
    """Donors: a donor user sees their own organisation, staff all of them."""

    serializer_class = DonorSerializer
    create_service = services.donor_create
    update_service = services.donor_update
    instance_name = "donor"
    filterset_fields = ["code", "kind"]
    ordering_fields = ["name", "code"]
    ordering = ["name"]
    hxl_tags = hxl.hxl_tags(code="donor_code", name="donor_name", kind="donor_kind")

    def get_queryset(self):
        return donors_for_user(self.request.user)


class ProgrammeViewSet(AdminWritesViewSet):
    """Programmes in the user's scope (``programmes_for_user``). A change
    queues a full recomputation, as in the admin."""

    serializer_class = ProgrammeSerializer
    create_service = services.programme_create
    update_service = services.programme_update
    instance_name = "programme"
    filterset_class = ProgrammeFilter
    ordering_fields = ["code", "name", "start_date"]
    ordering = ["code"]
    hxl_tags = hxl.hxl_tags(code="programme_code", name="programme_name")

    def get_queryset(self):
        return programmes_for_user(self.request.user).order_by("code")


class ProjectViewSet(ScopedWritesViewSet):
    """Projects in the user's scope (``projects_for_user``): a donor's are
    those their organisation funds. Administrators write any; a manager those
    of the programmes they manage. A change queues a full recomputation, as
    in the admin (a status or sector moves records between definitions)."""

    serializer_class = ProjectSerializer
    create_service = services.project_create
    update_service = services.project_update
    instance_name = "project"
    filterset_class = ProjectFilter
    ordering_fields = ["code", "name", "start_date", "budget_usd", "status"]
    ordering = ["code"]
    hxl_tags = hxl.hxl_tags(
        "status",
        "start_date",
        "end_date",
        "budget_usd",
        code="project_code",
        name="project_name",
        programme="programme_code",
        governorate="adm1_code",
        district="adm2_code",
        location_note="loc_note",
        community="loc_name",
        sector="sector_code",
        donor="donor_code",
    )

    def get_queryset(self):
        return (
            projects_for_user(self.request.user)
            .select_related("programme", "governorate", "district", "sector", "donor")
            .defer(
                "governorate__boundary",
                "governorate__aliases",
                "district__boundary",
                "district__aliases",
            )
            .prefetch_related(coverage_prefetch())
        )

    def list(self, request, *args, **kwargs):
        # Projects, their places, programmes, sectors and donors all move the
        # data stamp: the page is kept until one of them changes.
        return kept_list(self, request, lambda: super(ProjectViewSet, self).list(request))

    def writable(self, user):
        return projects_writable_by(user)


ROUTES = [
    ("governorates", GovernorateViewSet, "governorate"),
    ("donors", DonorViewSet, "donor"),
    ("programmes", ProgrammeViewSet, "programme"),
    ("projects", ProjectViewSet, "project"),
]
