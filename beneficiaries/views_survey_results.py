"""The page where a manager (their programmes' projects) or an
administrator enters a survey's aggregate results, by counts or by
percentages of the base, and sees the latest ones entered with who entered
them (``services.survey_result_save``)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from beneficiaries import access, services
from beneficiaries.models import Survey
from beneficiaries.services.survey_results import WRITERS
from programmes.access import projects_for_user, user_role
from programmes.l10n import LocalDateField, LocalDecimalField, LocalIntegerField, number_typed

LATEST = 20


class SurveyResultForm(forms.Form):
    """The result's project, date, base and how the figures are given; one
    optional number per option of each of the survey's questions
    (``option_fields``)."""

    project = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Project"))
    collected_on = LocalDateField(
        label=gettext_lazy("Collected on"),
        help_text=gettext_lazy("The last day of collection."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    base = LocalIntegerField(label=gettext_lazy("People surveyed"), min_value=1)
    as_shares = forms.TypedChoiceField(
        label=gettext_lazy("The figures are"),
        choices=[
            ("1", gettext_lazy("percentages of the people surveyed")),
            ("", gettext_lazy("counts of people")),
        ],
        coerce=bool,
        initial="1",
        required=False,
        widget=forms.RadioSelect,
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200, required=False)
    file = forms.FileField(
        label=gettext_lazy("Or a file (.csv)"),
        required=False,
        help_text=gettext_lazy(
            "Columns question, option and value (a question code, an option code, a count "
            "or a percentage): replaces the figures typed below."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )

    def __init__(self, *args, user, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.fields["project"].queryset = projects_for_user(user).order_by("code")
        self.questions = list(survey.questions.order_by("position", "pk"))
        for question in self.questions:
            for code, label in question.choices:
                self.fields[self._name(question.code, code)] = LocalDecimalField(
                    label=label, required=False, min_value=0, max_digits=9, decimal_places=2
                )

    @staticmethod
    def _name(question: str, option: str) -> str:
        return f"q__{question}__{option}"

    def option_fields(self) -> list[tuple]:
        """Each question with its option fields, for the template."""
        return [
            (q, [self[self._name(q.code, code)] for code, _label in q.choices])
            for q in self.questions
        ]

    def clean_file(self):
        """The uploaded CSV's figures, by question and option (None without a file)."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > 1_000_000:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        found: dict[str, dict[str, Decimal]] = {}
        reader = csv.DictReader(io.StringIO(text))
        names = {(n or "").strip().lower() for n in reader.fieldnames or []}
        if not {"question", "option", "value"} <= names:
            raise forms.ValidationError(_("The file needs the columns question, option and value."))
        for number, row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            try:
                value = Decimal(number_typed(row["value"]))
            except InvalidOperation:
                raise forms.ValidationError(
                    _("Row %(row)s: “%(value)s” is not a number.")
                    % {"row": number, "value": row["value"]}
                ) from None
            found.setdefault(row["question"], {})[row["option"]] = value
        if not found:
            raise forms.ValidationError(_("The file has no rows."))
        return found

    def answers(self) -> dict[str, dict[str, object]]:
        """The figures given, by question and option: the file's if one was
        uploaded; otherwise those typed, questions left blank left out."""
        if self.cleaned_data.get("file"):
            return self.cleaned_data["file"]
        found: dict[str, dict[str, object]] = {}
        for question in self.questions:
            given = {
                str(code): self.cleaned_data.get(self._name(question.code, code))
                for code, _label in question.choices
            }
            given = {code: value for code, value in given.items() if value is not None}
            if given:
                found[question.code] = given
        return found


@require_http_methods(["GET", "HEAD", "POST"])
def survey_result_new(request: HttpRequest) -> HttpResponse:
    """The form for one survey (``?survey=`` its code; the first by default)
    and the latest results entered on the user's projects."""
    user = request.user
    if user_role(user) not in WRITERS:
        raise PermissionDenied
    surveys = list(Survey.objects.order_by("code"))
    code = request.POST.get("survey") or request.GET.get("survey")
    survey = next((s for s in surveys if s.code == code), surveys[0] if surveys else None)
    form = None
    if survey is not None:
        form = SurveyResultForm(
            request.POST or None, request.FILES or None, user=user, survey=survey
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.survey_result_save(
                    user=user,
                    survey=survey,
                    project=data["project"],
                    collected_on=data["collected_on"],
                    base=data["base"],
                    answers=form.answers(),
                    as_shares=bool(data["as_shares"]),
                    source=data["source"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The survey results were saved as counts."))
                return redirect(f"{request.path}?survey={survey.code}")
    latest = (
        access.survey_results_for_user(user)
        .select_related("survey", "project", "entered_by")
        .prefetch_related("counts__question")
        .order_by("-created_at", "-pk")[:LATEST]
    )
    return render(
        request,
        "beneficiaries/survey_result_form.html",
        {"form": form, "survey": survey, "surveys": surveys, "latest": latest},
        status=400 if form is not None and form.errors else 200,
    )
