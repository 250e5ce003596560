"""Aggregate survey results over the API: "273 people surveyed: 46% very
satisfied, ..." entered by counts or by percentages of the base
(``services.survey_result_save``: managers in their programmes,
administrators), when the individual answers are not in the system. Every
result is marked ``"aggregate": true``. Field staff and managers read those
of the projects they see; donors see them only as the dashboards'
distributions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers

from api.base import ApiViewSet, LocalDecimalField, NumbersTyped
from beneficiaries import access, services
from beneficiaries.models import Survey
from beneficiaries.survey_results import SurveyResult
from programmes.access import projects_for_user


class ProjectInScopeField(serializers.SlugRelatedField):
    def get_queryset(self):
        return projects_for_user(self.context["request"].user)


class SurveyResultSerializer(NumbersTyped, serializers.ModelSerializer):
    survey = serializers.SlugRelatedField(slug_field="code", queryset=Survey.objects.all())
    project = ProjectInScopeField(slug_field="code")
    aggregate = serializers.SerializerMethodField(
        help_text=_("Always true: these are aggregate results, not individual answers.")
    )
    answers = serializers.DictField(
        child=serializers.DictField(
            child=LocalDecimalField(max_digits=9, decimal_places=2, min_value=0)
        ),
        help_text=_(
            "By question code, {option code: count} (or, with as_shares, {option code: "
            "percentage of the base}); read back as counts."
        ),
        write_only=True,
    )
    as_shares = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text=_(
            "The answers are percentages of the base: turned into counts, the largest "
            "remainders rounded up so that they add up to the base times their sum."
        ),
    )
    entered_by = serializers.CharField(source="entered_by.username", read_only=True, default="")

    class Meta:
        model = SurveyResult
        fields = [
            "id",
            "survey",
            "project",
            "collected_on",
            "base",
            "source",
            "aggregate",
            "answers",
            "as_shares",
            "entered_by",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_aggregate(self, result) -> bool:
        return True

    def to_representation(self, instance):
        data = super().to_representation(instance)
        answers: dict[str, dict[str, int]] = {}
        for row in instance.counts.all():
            answers.setdefault(row.question.code, {})[row.value] = row.count
        data["answers"] = answers
        return data

    def create(self, validated_data):
        return services.survey_result_save(
            user=self.context["request"].user,
            survey=validated_data["survey"],
            project=validated_data["project"],
            collected_on=validated_data["collected_on"],
            base=validated_data["base"],
            answers=validated_data["answers"],
            as_shares=validated_data["as_shares"],
            source=validated_data.get("source", ""),
        )


class SurveyResultViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet
):
    """Aggregate survey results of the projects the user sees (not a
    donor's); entered by managers in scope and administrators."""

    serializer_class = SurveyResultSerializer
    ordering_fields = ["collected_on", "id"]
    ordering = ["-collected_on", "-id"]
    csv_list = False

    def get_queryset(self):
        return (
            access.survey_results_for_user(self.request.user)
            .select_related("survey", "project", "entered_by")
            .prefetch_related("counts__question")
        )
