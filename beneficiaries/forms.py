"""Forms of field data entry. They check what a monitor typed, with the rules
of ``beneficiaries.services`` (the same messages), and hand cleaned data to
the services; they never save anything themselves."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from beneficiaries import services
from beneficiaries.access import visit_projects
from beneficiaries.forms_crossings import pair_fields, pair_grids, pair_initial
from beneficiaries.forms_reach import reach_choices
from beneficiaries.models import (
    FINDINGS_MAX_LENGTH,
    HOUSEHOLD_SIZE_MAX,
    HOUSEHOLD_SIZE_MIN,
    ISSUE_MAX_LENGTH,
    RECIPIENT_FIELDS,
    RETURN_REASON_MAX_LENGTH,
    SPLIT_FIELDS,
    SPLITS,
    ActivityType,
    AgeGroup,
    AssistanceRecord,
    FeedbackResponse,
    MonitoringVisit,
    Photo,
    PopulationGroup,
    Referral,
    ReviewStatus,
    Sex,
    recipient_field,
)
from beneficiaries.models_splits import PAIR_COLUMNS, crossings_from_columns, splits_resolve
from programmes.l10n import CountInput, LocalDateField, LocalIntegerField
from programmes.models_coverage import project_where
from programmes.places import place_resolve

MAX_LINES = 50
MAX_PHOTOS = 10


class ProjectSelect(forms.Select):
    """A project list whose options carry each project's period and sector,
    so the page can offer only the projects running on the date typed."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        project = getattr(value, "instance", None)
        if project is not None:
            option["attrs"].update(
                {
                    "data-start": project.start_date.isoformat(),
                    "data-end": project.end_date.isoformat() if project.end_date else "",
                    "data-sector": project.sector_id or "",
                }
            )
        return option


class ActivitySelect(forms.Select):
    """An activity-type list whose options carry the sectors each fits (blank:
    every sector), so the page can offer only those of the project's sector."""

    sectors: dict[int, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in ("", None):
            option["attrs"]["data-sectors"] = self.sectors.get(int(str(value)), "")
        return option


def activity_sectors() -> dict[int, str]:
    """{activity type id: its sector ids, space-separated}, in one query."""
    sectors: dict[int, list[str]] = {}
    for activity_id, sector_id in ActivityType.sectors.through.objects.values_list(
        "activitytype_id", "sector_id"
    ):
        sectors.setdefault(activity_id, []).append(str(sector_id))
    return {key: " ".join(values) for key, values in sectors.items()}


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def _count(name: str, *, required: bool = True, **attrs) -> forms.IntegerField:
    return LocalIntegerField(
        label=_label(AssistanceRecord, name),
        min_value=0,
        required=required,
        widget=CountInput(attrs),
    )


class VisitForm(forms.Form):
    """A visit's project (one of the monitor's governorates), date and findings."""

    project = forms.ModelChoiceField(
        queryset=None,
        label=_("Project"),  # the foreign key has no translated verbose_name
        empty_label=_("Choose the project you visited"),
        widget=ProjectSelect,
    )
    visit_date = LocalDateField(
        label=_label(MonitoringVisit, "visit_date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=100,
        help_text=_(
            "The sub-district, district or governorate you went to, by name or P-code (e.g. "
            "Qayyarah, IQG15Q05N01). Optional for a project in one place; needed for a "
            "national project or one covering several places."
        ),
    )
    findings = forms.CharField(
        label=_label(MonitoringVisit, "findings"),
        required=False,
        max_length=FINDINGS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you saw and heard. Needed before you submit the visit."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        findings = self.fields["findings"]
        findings.help_text = format_lazy(
            "{} {}",
            findings.help_text,
            _("Up to %(count)s characters.")
            % {"count": number_format(FINDINGS_MAX_LENGTH, force_grouping=True)},
        )
        self.fields["project"].queryset = visit_projects(user)
        self.fields["project"].label_from_instance = lambda project: (
            f"{project.code} — {project.name} ({project_where(project)})"
        )

    def clean_place(self):
        name = self.cleaned_data["place"].strip()
        if not name:
            return None
        try:
            return place_resolve(name)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None

    def clean(self):
        data = super().clean()
        errors = {
            **services.visit_errors(project=data.get("project"), visit_date=data.get("visit_date")),
            **services.place_errors(project=data.get("project"), place=data.get("place")),
        }
        for field, message in errors.items():
            self.add_error(field, message)
        return data


class AssistanceLineForm(forms.Form):
    """One line of assistance the visit verifies. The recipients as recorded:
    by sex, by age group, by population group, ten optional counts (blank is
    not recorded), laid out by ``splits()``; and, where known, crossed by sex
    × age group × population group, 32 optional counts (blank is 0) laid out
    by ``breakdown()`` as one small grid per population group, whose sums a
    dimension left blank takes; or crossed by two of them without the third,
    32 optional counts (blank is not recorded) laid out by ``pairs()``."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    activity_type = forms.ModelChoiceField(
        queryset=ActivityType.objects.all(),
        label=_("Activity type"),  # the foreign key has no translated verbose_name
        empty_label=_("Choose what was delivered"),
        widget=ActivitySelect,
    )
    units = _count("units")
    households = _count("households")
    people = _count("people")
    household_size = LocalIntegerField(
        label=_label(AssistanceRecord, "household_size"),
        min_value=HOUSEHOLD_SIZE_MIN,
        max_value=HOUSEHOLD_SIZE_MAX,
        required=False,
        help_text=_("Only if you were told it; leave empty otherwise."),
    )
    delivered_on = LocalDateField(
        label=_("Delivered on"),
        required=False,
        help_text=_(
            "Only if delivered before the visit, within the visit's quarter; leave empty "
            "for the visit's day."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reach = forms.ChoiceField(
        label=_("Shares its households with"),
        choices=reach_choices,
        required=False,
        help_text=_(
            "When several lines reached the same households (29 joint and 9 association "
            "businesses reaching 110 households), give each of them the same letter and the "
            "households once, under Shared reaches; give 0 households and people here."
        ),
    )

    def __init__(
        self,
        *args,
        project=None,
        visit_date=None,
        sectors: dict[int, str] | None = None,
        **kwargs,
    ):
        self.project = project
        self.visit_date = visit_date
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].widget.sectors = sectors or {}
        for column in SPLIT_FIELDS:
            self.fields[column] = _count(column, required=False, **{"class": "split"})
        for column in RECIPIENT_FIELDS:
            self.fields[column] = _count(
                column,
                required=False,
                placeholder="0",
                **{"class": "cell", "aria-label": str(_label(AssistanceRecord, column))},
            )
        self.fields.update(pair_fields())

    def recipients(self) -> dict[str, int | None]:
        """Cells (blank: 0), split columns (blank: None, not recorded) and
        the two-way ``crossings`` (a blank cell is not recorded)."""
        data = getattr(self, "cleaned_data", {})
        return {
            **{column: data.get(column) for column in SPLIT_FIELDS},
            **{column: data.get(column) or 0 for column in RECIPIENT_FIELDS},
            "crossings": crossings_from_columns(data),
        }

    def clean(self):
        data = super().clean()
        errors = services.assistance_line_errors(
            project=self.project,
            activity_type=data.get("activity_type"),
            units=data.get("units"),
            households=data.get("households"),
            people=data.get("people"),
            household_size=data.get("household_size"),
            recipients=self.recipients(),
        )
        if self.visit_date is not None:
            errors |= services.line_date_errors(
                project=self.project,
                visit_date=self.visit_date,
                delivered_on=data.get("delivered_on"),
            )
        for field, message in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
            elif field == "crossings":  # the two-way grids as a whole
                self.add_error(None, message)
        return data

    def splits(self) -> list[dict]:
        """The split fields, one row per dimension (sex, age group, population group)."""
        labels = {
            "sex": _("By sex"),
            "age_group": _("By age group"),
            "population_group": _("By population group"),
        }
        return [
            {"label": labels[dimension], "fields": [self[column] for column in columns.values()]}
            for dimension, columns in SPLITS.items()
        ]

    def breakdown(self) -> list[dict]:
        """The recipient fields as one grid per population group: rows by sex,
        columns by age group."""
        return [
            {
                "label": group.label,
                "rows": [
                    {
                        "label": sex.label,
                        "fields": [
                            self[recipient_field(sex.value, age, group.value)]
                            for age in AgeGroup.values
                        ],
                    }
                    for sex in Sex
                ],
            }
            for group in PopulationGroup
        ]

    def pairs(self) -> list[dict]:
        """The two-way crossing fields, one grid per pair (``pair_grids``)."""
        return pair_grids(self)

    def cell_errors(self) -> list[tuple[str, list[str]]]:
        """The errors of recipient cells, as (cell label, messages)."""
        if not self.is_bound:
            return []
        return [
            (self.fields[column].label, self.errors[column])
            for column in RECIPIENT_FIELDS
            if column in self.errors
        ]

    def breakdown_open(self) -> bool:
        """Whether the grids are shown unfolded: when a cell holds a count, or
        something about the recipients is wrong."""
        filled = [*SPLIT_FIELDS, *RECIPIENT_FIELDS, *PAIR_COLUMNS]
        if self.is_bound and ("people" in self.errors or set(self.errors) & set(filled)):
            return True
        return any(self[column].value() not in (None, "", 0, "0") for column in filled)


AGE_HEADERS = [(age.value, age.label) for age in AgeGroup]


class ReferralForm(forms.Form):
    """An issue found on the visit and whom it was referred to."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    issue = forms.CharField(
        label=_label(Referral, "issue"),
        max_length=ISSUE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    referred_to = forms.CharField(
        label=_label(Referral, "referred_to"),
        max_length=200,
        help_text=_("The person, office or organisation now handling it."),
    )


LineFormSet = forms.formset_factory(
    AssistanceLineForm, extra=1, can_delete=True, max_num=MAX_LINES, validate_max=True
)
ReferralFormSet = forms.formset_factory(
    ReferralForm, extra=1, can_delete=True, max_num=MAX_LINES, validate_max=True
)


def line_initial(
    records: list[AssistanceRecord], visit_date=None, keys: dict[int, str] | None = None
) -> list[dict]:
    """Initial data of the line formset for a visit's records; zero cells are
    blank, and so is the date of a line dated the visit's day (it moves with
    the visit)."""
    return [
        {
            "id": record.pk,
            "delivered_on": None if record.delivered_on == visit_date else record.delivered_on,
            "activity_type": record.activity_type_id,
            "units": record.units,
            "households": record.households,
            "people": record.people,
            "household_size": record.household_size,
            "reach": (keys or {}).get(record.reach_id, ""),
            **{column: getattr(record, column) or None for column in RECIPIENT_FIELDS},
            **pair_initial(record),
            **_splits_initial(record),
        }
        for record in records
    ]


def _splits_initial(record: AssistanceRecord) -> dict:
    """A record's split columns for the form, blank where a dimension is just
    its cells' sums (so that changing a cell changes them too)."""
    derived = splits_resolve(
        {
            **{column: getattr(record, column) for column in RECIPIENT_FIELDS},
            "crossings": record.crossings,
        }
    )
    initial = {}
    for columns in SPLITS.values():
        own = [getattr(record, column) for column in columns.values()]
        if own != [derived[column] for column in columns.values()]:
            initial.update(dict(zip(columns.values(), own, strict=True)))
    return initial


def referral_initial(referrals: list[Referral]) -> list[dict]:
    return [
        {"id": referral.pk, "issue": referral.issue, "referred_to": referral.referred_to}
        for referral in referrals
    ]


class FeedbackForm(forms.Form):
    """One beneficiary's answers to a survey, collected on the visit: who
    answered (each optional: "not asked") and one set of options per question
    (a blank answer is a question not asked or not answered)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sex = forms.ChoiceField(required=False)
    age_group = forms.ChoiceField(required=False)
    population_group = forms.ChoiceField(required=False)

    def __init__(self, *args, survey, **kwargs):
        self.survey = survey
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("sex", Sex.choices),
            ("age_group", AgeGroup.choices),
            ("population_group", PopulationGroup.choices),
        ):
            field = self.fields[name]
            field.label = _label(FeedbackResponse, name)
            field.choices = [("", _("Not asked")), *choices]
            field.error_messages["invalid_choice"] = _("Choose one of the options listed.")
        for question in survey.question_list:
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=question.text,
                required=False,
                choices=[(str(code), label) for code, label in question.choices],
                widget=forms.RadioSelect(attrs={"class": "options"}),
                error_messages={"invalid_choice": _("Choose one of the answers listed.")},
            )

    def answers(self) -> dict:
        """{question: answer code or ""} of the cleaned form."""
        data = getattr(self, "cleaned_data", {})
        return {q: data.get(f"q{q.pk}") or "" for q in self.survey.question_list}

    def question_fields(self):
        return [self[f"q{question.pk}"] for question in self.survey.question_list]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        errors = services.feedback_errors(
            survey=self.survey,
            answers=self.answers(),
            sex=data.get("sex", ""),
            age_group=data.get("age_group", ""),
            population_group=data.get("population_group", ""),
        )
        for field, message in errors.items():
            self.add_error(None if field == "__all__" else field, message)
        return data


class BaseFeedbackFormSet(forms.BaseFormSet):
    """The responses to one survey; its prefix names the survey."""

    def __init__(self, *args, survey, **kwargs):
        self.survey = survey
        kwargs.setdefault("prefix", f"feedback{survey.pk}")
        kwargs["form_kwargs"] = {**kwargs.get("form_kwargs", {}), "survey": survey}
        super().__init__(*args, **kwargs)


FeedbackFormSet = forms.formset_factory(
    FeedbackForm,
    formset=BaseFeedbackFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_LINES,
    validate_max=True,
)


def feedback_initial(responses: list[FeedbackResponse], survey) -> list[dict]:
    """Initial data of ``survey``'s feedback formset for a visit's responses."""
    return [
        {
            "id": response.pk,
            "sex": response.sex,
            "age_group": response.age_group,
            "population_group": response.population_group,
            **{f"q{answer.question_id}": answer.value for answer in response.answers.all()},
        }
        for response in responses
        if response.survey_id == survey.pk
    ]


class ReferralCloseForm(forms.Form):
    """The day a referral was closed: the issue dealt with."""

    closed_on = LocalDateField(
        label=_label(Referral, "closed_on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PhotoForm(forms.Form):
    """A photo of the visit: a JPEG, PNG or HEIC of at most 10 MB, with caption and credit."""

    image = forms.FileField(
        label=_("Photo"),
        help_text=_(
            "JPEG, PNG or HEIC (as phones take them), at most 10 MB. Its location and "
            "camera data are removed."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,.heic,.heif"}
        ),
    )
    caption = forms.CharField(label=_label(Photo, "caption"), max_length=300)
    credit = forms.CharField(
        label=_label(Photo, "credit"),
        max_length=150,
        help_text=_("Who took the photo, as it will be printed: “Photo: …”."),
    )
    # Sent by the offline form's phone with each photo: a retried upload adds no second one.
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_image(self):
        image = self.cleaned_data["image"]
        services.photo_check(image)
        return image


class VisitPhotoForm(PhotoForm):
    """A photo added on the visit form itself; a blank one adds nothing."""

    def has_changed(self):
        return bool(self.files) and super().has_changed()


PhotoFormSet = forms.formset_factory(VisitPhotoForm, extra=1, max_num=MAX_PHOTOS, validate_max=True)


class ReturnForm(forms.Form):
    """Why a manager returns a visit to its monitor."""

    reason = forms.CharField(
        label=_("What must be corrected"),
        max_length=RETURN_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the monitor must correct: they will read it.")},
    )


class VisitFilterForm(forms.Form):
    """The filters of a visit list, among the governorates and programmes in scope."""

    governorate = forms.ModelChoiceField(
        queryset=None, required=False, empty_label=_("All governorates")
    )
    programme = forms.ModelChoiceField(
        queryset=None, required=False, empty_label=_("All programmes")
    )
    status = forms.ChoiceField(
        choices=[("", _("All statuses")), *ReviewStatus.choices], required=False
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["governorate"].queryset = choices["governorates"]
        self.fields["programme"].queryset = choices["programmes"]
        self.fields["governorate"].label = _("Governorate")
        self.fields["programme"].label = _("Programme")
        self.fields["status"].label = _("Status")
