"""Beneficiary feedback over the API: surveys with their questions, and the
responses with their answers.

A response is written as part of a monitoring visit, through
``services.feedback_response_save`` and ``feedback_response_delete``, like
an assistance line: by the visit's monitor (or an administrator) while the
visit is a draft or returned; it takes the visit's project, day and status,
so it counts once the visit is approved. Responses hold no name or phone,
but they are record-level data: donors see their distributions on the
dashboards, never the responses.
"""

from __future__ import annotations

import re

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, mixins, serializers

from api.base import ApiViewSet, Role
from api.beneficiaries.assistance import WritableVisitField
from api.beneficiaries.filters import ProjectRecordFilter
from api.plumbing import django_errors
from beneficiaries import access, services
from beneficiaries.models import (
    FeedbackResponse,
    Survey,
)
from exports import hxl
from programmes.access import user_role

# --- Serializers --------------------------------------------------------------


class AnswerSerializer(serializers.Serializer):
    question = serializers.SlugField(max_length=40, help_text=gettext_lazy("A question code."))
    value = serializers.CharField(
        max_length=40,
        allow_blank=True,
        help_text=gettext_lazy("An answer code; blank removes the answer given before."),
    )


_ANSWER_FIELD = re.compile(r"^q([0-9]+)$")


class FeedbackResponseSerializer(serializers.ModelSerializer):
    visit = WritableVisitField(
        help_text=gettext_lazy("The id of the draft or returned visit it was collected on.")
    )
    survey = serializers.SlugRelatedField(slug_field="code", queryset=Survey.objects.all())
    project = serializers.CharField(source="project.code", read_only=True)
    governorate = serializers.CharField(source="project.governorate.pcode", read_only=True)
    answers = AnswerSerializer(many=True, required=False)

    class Meta:
        model = FeedbackResponse
        fields = [
            "id",
            "visit",
            "survey",
            "project",
            "governorate",
            "collected_on",
            "sex",
            "age_group",
            "population_group",
            "status",
            "answers",
        ]
        read_only_fields = ["collected_on", "status"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | QuerySet):
            fields["visit"].read_only = True  # a response stays on its visit
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["answers"] = [
            {"question": answer.question.code, "value": answer.value}
            for answer in instance.answers.all()
        ]
        return data

    def _save(self, response: FeedbackResponse | None, data: dict) -> FeedbackResponse:
        survey = data.get("survey") or response.survey
        questions = {question.code: question for question in survey.questions.all()}
        answers = {}
        if response is not None:
            answers = {answer.question: answer.value for answer in response.answers.all()}
        unknown = []
        for answer in data.get("answers", []):
            question = questions.get(answer["question"])
            if question is None:
                unknown.append(
                    _("“%(code)s” is not a question of this survey.") % {"code": answer["question"]}
                )
            else:
                answers[question] = answer["value"]
        if unknown:
            raise serializers.ValidationError({"answers": unknown})

        def given(name):
            return data[name] if name in data else getattr(response, name, "")

        try:
            return services.feedback_response_save(
                visit=response.visit if response is not None else data["visit"],
                user=self.context["request"].user,
                response=response,
                survey=survey,
                answers=answers,
                sex=given("sex") or "",
                age_group=given("age_group") or "",
                population_group=given("population_group") or "",
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(self._by_field(error, questions)) from None

    @staticmethod
    def _by_field(error: DjangoValidationError, questions: dict) -> dict:
        """The service's errors, with those of an answer (field ``q<id>``)
        under ``answers``, named by the question's code."""
        codes = {str(question.pk): code for code, question in questions.items()}
        body: dict = {}
        for field, messages in django_errors(error).items():
            match = _ANSWER_FIELD.match(field)
            if match:
                code = codes.get(match.group(1), field)
                body.setdefault("answers", []).extend(f"{code}: {m}" for m in messages)
            else:
                body.setdefault(field, []).extend(messages)
        return body

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


# --- Filters ------------------------------------------------------------------


class FeedbackFilter(ProjectRecordFilter):
    survey = django_filters.ModelChoiceFilter(queryset=Survey.objects.all(), to_field_name="code")
    collected_after = django_filters.DateFilter(field_name="collected_on", lookup_expr="gte")
    collected_before = django_filters.DateFilter(field_name="collected_on", lookup_expr="lte")

    class Meta:
        model = FeedbackResponse
        fields = [
            "survey",
            "status",
            "governorate",
            "programme",
            "sex",
            "age_group",
            "population_group",
            "collected_after",
            "collected_before",
        ]


# --- Views --------------------------------------------------------------------


class FeedbackResponseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    """Feedback responses (``feedback_for_user``) with their answers; written
    on a draft or returned visit by its monitor or an administrator (see the
    module docstring)."""

    serializer_class = FeedbackResponseSerializer
    filterset_class = FeedbackFilter
    ordering_fields = ["collected_on", "id"]
    ordering = ["-collected_on", "-id"]
    hxl_tags = hxl.hxl_tags(
        "collected_on",
        "status",
        project="project_code",
        governorate="adm1_code",
        sex="respondent_sex",
        age_group="respondent_age_group",
        population_group="respondent_population_group",
    )

    def get_queryset(self):
        return (
            access.feedback_for_user(self.request.user)
            .select_related("survey", "visit", "project__governorate")
            .defer("project__governorate__boundary", "project__governorate__aliases")
            .prefetch_related("answers__question")
        )

    def get_object(self):
        response = super().get_object()
        if self.action in ("update", "partial_update", "destroy"):
            if not access.record_can_write(self.request.user, response):
                raise exceptions.PermissionDenied(
                    _("Only the visit's monitor changes its feedback responses.")
                )
        return response

    def create(self, request, *args, **kwargs):
        if user_role(request.user) not in (Role.MONITOR, Role.ADMIN):
            raise exceptions.PermissionDenied(_("Only field staff record feedback."))
        return super().create(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.feedback_response_delete(
            visit=instance.visit, user=self.request.user, response=instance
        )
