"""Survey results entered as aggregates: "273 people surveyed: 46% very
satisfied, ...", when the individual answers are not in the system.

A ``SurveyResult`` is one survey's results for one project over a collection
period, with its base (how many people were surveyed); its
``SurveyResultCount`` rows hold, per question, how many chose each option.
Percentages are turned into counts when entered
(``beneficiaries.services.survey_results.counts_from_shares``). Every output
that mixes them with individual answers says so (``aggregate``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from beneficiaries.models import Question, Survey
from programmes.models import Project


class SurveyResult(models.Model):
    """One survey's aggregate results for a project (see the module docstring)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="results")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="survey_results")
    collected_on = models.DateField(
        _("collected on"), help_text=_("The last day of collection: the results count from it.")
    )
    base = models.PositiveIntegerField(_("people surveyed"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey result (aggregate)")
        verbose_name_plural = _("survey results (aggregate)")
        indexes = [models.Index(fields=["project", "collected_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(base__gte=1), name="survey_result_base_positive")
        ]

    def __str__(self) -> str:
        return f"{self.survey} — {self.project} — {self.collected_on} (n={self.base})"


class SurveyResultCount(models.Model):
    """How many of a result's base chose one option of one question."""

    result = models.ForeignKey(SurveyResult, on_delete=models.CASCADE, related_name="counts")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("answer"), max_length=40)
    count = models.PositiveIntegerField(_("count"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("survey result count")
        verbose_name_plural = _("survey result counts")
        constraints = [
            models.UniqueConstraint(
                fields=["result", "question", "value"], name="survey_result_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.code}={self.value}: {self.count}"
