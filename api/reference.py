"""Reference data over the API: sectors, activity types, feedback surveys
with their questions, indicator definitions and household multipliers.

Every role reads them (inactive definitions: administrators only); only
administrators write them (``AdminWrites``), through the services of their
app, as the admin does: a definition's change recomputes its values, a
multiplier's every figure that uses the mission's multiplier. Nothing is
deleted here: records refer to them (the admin deletes what can be deleted).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.base import (
    NAME_OPTIONAL,
    AdminWritesViewSet,
    ModelChecked,
    translated,
    validate_with_model,
)
from api.indicators import DefinitionFilter
from beneficiaries.models import ActivityType, Question, Survey
from beneficiaries.services import reference as beneficiary_services
from exports import hxl
from indicators import definitions as indicator_services
from indicators.models import HouseholdMultiplier, IndicatorDefinition
from programmes import services as programme_services
from programmes.access import user_role
from programmes.models import Programme, Project, Sector, UserProfile

Role = UserProfile.Role


# --- Serializers --------------------------------------------------------------


class SectorSerializer(ModelChecked):
    class Meta:
        model = Sector
        fields = ["code", "name", *translated("name")]
        extra_kwargs = NAME_OPTIONAL


class ActivityTypeSerializer(ModelChecked):
    sectors = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Sector.objects.all(),
        required=False,
        help_text=_("The codes of the project sectors it fits."),
    )

    class Meta:
        model = ActivityType
        fields = ["code", "name", "unit", "sectors", *translated("name", "unit")]
        extra_kwargs = NAME_OPTIONAL


class QuestionSerializer(serializers.ModelSerializer):
    code = serializers.SlugField(max_length=40)
    choices = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(), min_length=2, max_length=2),
        help_text=_("Ordered [code, label] pairs."),
    )

    class Meta:
        model = Question
        fields = ["code", "text", "kind", "choices", *translated("text", "choices")]
        extra_kwargs = {"text": {"required": False}}


class SurveySerializer(ModelChecked):
    questions = QuestionSerializer(
        many=True,
        required=False,
        help_text=_(
            "On a write, its questions in order, each added or changed by its code; a "
            "question left out is kept."
        ),
    )

    class Meta:
        model = Survey
        fields = ["code", "title", *translated("title"), "questions"]
        extra_kwargs = {"title": {"required": False}}

    def validate(self, attrs):
        questions = attrs.pop("questions", None)
        attrs = validate_with_model(self, serializers.ModelSerializer.validate(self, attrs))
        codes = [q["code"] for q in questions or []]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError({"questions": [_("Each question once.")]})
        return attrs if questions is None else {**attrs, "questions": questions}


class DefinitionSerializer(ModelChecked):
    has_splits = serializers.BooleanField(
        read_only=True, help_text=_("Whether its values are split by sex, age and group.")
    )
    activity_types = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=ActivityType.objects.all(), required=False
    )
    sectors = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Sector.objects.all(), required=False
    )
    programmes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Programme.objects.all(), required=False
    )
    project_statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=Project.Status.choices),
        required=False,
        help_text=_("Only projects of these statuses; empty: any."),
    )
    project_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Project.Kind.choices),
        required=False,
        help_text=_("Only projects of these types; empty: any."),
    )

    class Meta:
        model = IndicatorDefinition
        fields = [
            "code",
            "name",
            "description",
            *translated("name", "description"),
            "source",
            "measure",
            "apply_multiplier",
            "multiplier",
            "accumulation",
            "is_active",
            "position",
            "headline",
            "dashboard_role",
            "section",
            "activity_types",
            "sectors",
            "programmes",
            "project_statuses",
            "project_kinds",
            "has_splits",
        ]
        extra_kwargs = NAME_OPTIONAL


class MultiplierSerializer(ModelChecked):
    class Meta:
        model = HouseholdMultiplier
        fields = ["id", "effective_from", "value", "note"]

    def validate(self, attrs):
        stored = self.instance
        if stored is not None and attrs.get("effective_from", stored.effective_from) != (
            stored.effective_from
        ):
            raise serializers.ValidationError(
                {"effective_from": [_("Its month stays: add a multiplier for another month.")]}
            )
        return super().validate(attrs)


# --- Views --------------------------------------------------------------------


class SectorViewSet(AdminWritesViewSet):
    """The project sectors (education, health, livelihoods ...), by code."""

    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
    create_service = programme_services.sector_create
    update_service = programme_services.sector_update
    instance_name = "sector"
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    ordering = ["name"]
    hxl_tags = hxl.hxl_tags(code="sector_code", name="sector_name")


class ActivityTypeViewSet(AdminWritesViewSet):
    """The kinds of assistance (business support package, vocational
    training ...) by code, with the project sectors each fits."""

    queryset = ActivityType.objects.prefetch_related("sectors")
    serializer_class = ActivityTypeSerializer
    create_service = beneficiary_services.activity_type_create
    update_service = beneficiary_services.activity_type_update
    instance_name = "activity_type"
    lookup_field = "code"
    ordering_fields = ["code", "name"]
    ordering = ["name"]
    hxl_tags = hxl.hxl_tags(code="activity_code", name="activity_name")


class SurveyViewSet(AdminWritesViewSet):
    """Feedback surveys with their questions and answer options, by code."""

    queryset = Survey.objects.prefetch_related("questions")
    serializer_class = SurveySerializer
    instance_name = "survey"
    lookup_field = "code"
    ordering_fields = ["code", "title"]
    ordering = ["code"]
    csv_list = False

    def perform_create(self, serializer):
        fields = dict(serializer.validated_data)
        serializer.instance = beneficiary_services.survey_create(
            user=self.request.user, fields=fields, questions=fields.pop("questions", ())
        )

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        serializer.instance = beneficiary_services.survey_update(
            survey=serializer.instance,
            user=self.request.user,
            fields=fields,
            questions=fields.pop("questions", None),
        )


class DefinitionViewSet(AdminWritesViewSet):
    """Indicator definitions, by code: what each figure counts and how.
    Administrators also see inactive ones."""

    serializer_class = DefinitionSerializer
    create_service = indicator_services.definition_create
    update_service = indicator_services.definition_update
    instance_name = "definition"
    filterset_class = DefinitionFilter
    lookup_field = "code"
    ordering_fields = ["position", "code", "name"]
    ordering = ["position", "code"]
    hxl_tags = hxl.hxl_tags(code="indicator_code", name="indicator_name")

    def get_queryset(self):
        definitions = IndicatorDefinition.objects.prefetch_related(
            "activity_types", "sectors", "programmes"
        )
        if user_role(self.request.user) != Role.ADMIN:
            definitions = definitions.filter(is_active=True)
        return definitions


class MultiplierViewSet(AdminWritesViewSet):
    """The household multiplier (people per household) from each month on."""

    queryset = HouseholdMultiplier.objects.all()
    serializer_class = MultiplierSerializer
    create_service = indicator_services.multiplier_create
    update_service = indicator_services.multiplier_update
    instance_name = "multiplier"
    ordering_fields = ["effective_from"]
    ordering = ["-effective_from"]


ROUTES = [
    ("sectors", SectorViewSet, "sector"),
    ("activity-types", ActivityTypeViewSet, "activity-type"),
    ("surveys", SurveyViewSet, "survey"),
    ("indicator-definitions", DefinitionViewSet, "indicator-definition"),
    ("household-multipliers", MultiplierViewSet, "household-multiplier"),
]
