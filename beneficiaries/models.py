"""What was delivered, to whom, what monitors saw and what people said.

Only approved records count in indicators: every record that feeds a figure
carries a review ``status``. Counts can never be negative and a recorded
household size is 1..30, enforced by the database.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from beneficiaries.models_place import PlacedRecord
from beneficiaries.models_reach import SharedReach
from beneficiaries.models_splits import (  # noqa: F401 (the names other modules import from here)
    RECIPIENT_CELLS,
    RECIPIENT_FIELDS,
    SPLIT_FIELDS,
    SPLITS,
    AgeGroup,
    PopulationGroup,
    RecipientBreakdown,
    Sex,
    recipient_field,
    split_constraints,
    splits_errors,
)
from programmes.models import Governorate, Project, Sector, SubDistrict

HOUSEHOLD_SIZE_MIN = 1
HOUSEHOLD_SIZE_MAX = 30


# Free text typed by people: limits the forms, the API and its schema state
# (a visit's findings run to a few pages, never to megabytes).
FINDINGS_MAX_LENGTH = 20_000
ISSUE_MAX_LENGTH = 5_000
RETURN_REASON_MAX_LENGTH = 2_000


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ActivityType(models.Model):
    """What kind of assistance (vocational training, business support package,
    cash, NFI kit ...); ``sectors`` lists the project sectors it fits."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150, unique=True)
    unit = models.CharField(
        _("unit"),
        max_length=50,
        default="unit",
        help_text=_("What one unit is: package, course, kit ..."),
    )
    sectors = models.ManyToManyField(Sector, blank=True, related_name="activity_types")

    class Meta:
        ordering = ["name"]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")

    def __str__(self) -> str:
        return self.name


class Beneficiary(models.Model):
    """A person on a beneficiary list. Personal data: the name and phone are
    shown only to staff who need them, never to donors or in exports."""

    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex)
    age_group = models.CharField(_("age group"), max_length=5, choices=AgeGroup)
    population_group = models.CharField(
        _("population group"), max_length=10, choices=PopulationGroup
    )
    governorate = models.ForeignKey(Governorate, on_delete=models.PROTECT)
    household_size = models.PositiveSmallIntegerField(_("household size"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        constraints = [
            models.CheckConstraint(
                condition=Q(household_size__isnull=True)
                | Q(household_size__gte=HOUSEHOLD_SIZE_MIN, household_size__lte=HOUSEHOLD_SIZE_MAX),
                name="beneficiary_household_size_range",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class MonitoringVisit(PlacedRecord):
    """A dated field visit by a monitor to a project: draft → submitted →
    approved, or returned with a reason and then corrected and resubmitted."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="visits")
    monitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits"
    )
    visit_date = models.DateField(_("visit date"))
    subdistrict = models.ForeignKey(
        SubDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("sub-district"),
        help_text=_("Where the visit went, when it was a sub-district."),
    )
    findings = models.TextField(_("findings"), blank=True, max_length=FINDINGS_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus, default=ReviewStatus.DRAFT
    )
    return_reason = models.TextField(
        _("reason for return"), blank=True, max_length=RETURN_REASON_MAX_LENGTH
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_visits",
    )
    client_id = models.UUIDField(
        _("client id"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_(
            "Made by the phone that recorded the visit, so that a send retried after a "
            "lost connection finds this visit instead of making a second one."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-visit_date", "-id"]
        verbose_name = _("monitoring visit")
        verbose_name_plural = _("monitoring visits")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="visit_returned_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "visit_date"]),
            # The lists, newest first (the ordering): a page of 50 reads 50
            # rows of the index, not every visit of the scope sorted.
            models.Index(fields=["visit_date", "id"], name="visit_date_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.visit_date} ({self.get_status_display()})"


class Referral(models.Model):
    """An issue found on a visit and who it was referred to; open until closed."""

    visit = models.ForeignKey(MonitoringVisit, on_delete=models.CASCADE, related_name="referrals")
    issue = models.TextField(_("issue found"), max_length=ISSUE_MAX_LENGTH)
    referred_to = models.CharField(_("referred to"), max_length=200)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.issue[:40]} → {self.referred_to}"


def photo_path(instance: Photo, filename: str) -> str:
    return f"photos/{instance.visit_id}/{filename}"


class Photo(models.Model):
    """A photo from a visit, shown with its caption and credit. Location and
    device metadata are stripped before storage."""

    visit = models.ForeignKey(MonitoringVisit, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=300)
    credit = models.CharField(_("photo credit"), max_length=150)
    client_id = models.UUIDField(
        _("client id"), null=True, blank=True, unique=True, editable=False,
        help_text=_("Made by the phone that sent it: a retried upload adds no second photo."),
    )  # fmt: skip
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.caption


class AssistanceRecord(RecipientBreakdown, PlacedRecord):
    """What was delivered to whom: ``units`` of an activity type reaching
    ``households`` households and ``people`` direct recipients.

    ``people`` is the total of direct recipients; its splits by sex, by age
    group and by population group, as far as recorded, are in the ten split
    columns, and a crossing of them in the 32 cells (``models_splits``). ``household_size`` is the size recorded for the households
    reached, when known; it wins over the default multiplier in indicators.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="assistance")
    subdistrict = models.ForeignKey(
        SubDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance",
        verbose_name=_("sub-district"),
        help_text=_("Where it was delivered, when it was a sub-district."),
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, related_name="records"
    )
    visit = models.ForeignKey(
        MonitoringVisit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistance",
        help_text=_("The monitoring visit that verified this delivery, if any."),
    )
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.SET_NULL, null=True, blank=True, related_name="assistance"
    )
    import_batch = models.UUIDField(
        _("import"),
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("The beneficiary-list import that created this record, if any."),
    )
    import_row = models.PositiveIntegerField(
        _("row of the import"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The row of the imported sheet this record came from."),
    )
    reach = models.ForeignKey(
        SharedReach,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("shared reach"),
        help_text=_(
            "The households and people this line reached together with other lines of the "
            "same delivery, counted once; the line then records none of its own."
        ),
    )
    delivered_on = models.DateField(_("delivered on"))
    units = models.PositiveIntegerField(_("units"), default=0)
    households = models.PositiveIntegerField(_("households"), default=0)
    people = models.PositiveIntegerField(_("people (direct recipients)"), default=0)
    household_size = models.PositiveSmallIntegerField(
        _("recorded household size"), null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus, default=ReviewStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assistance record")
        verbose_name_plural = _("assistance records")
        constraints = [
            # PositiveIntegerField already adds ">= 0" checks for the counts.
            models.CheckConstraint(
                condition=Q(household_size__isnull=True)
                | Q(household_size__gte=HOUSEHOLD_SIZE_MIN, household_size__lte=HOUSEHOLD_SIZE_MAX),
                name="assistance_household_size_range",
            ),
            models.CheckConstraint(
                condition=Q(households__lte=F("people")),
                name="assistance_households_not_above_people",
            ),
            # A line of a shared reach records no reach of its own (the reach
            # holds it, counted once): nothing that sums lines counts it twice.
            models.CheckConstraint(
                condition=Q(reach__isnull=True)
                | Q(households=0, people=0, household_size__isnull=True),
                name="assistance_shared_reach_not_on_line",
            ),
            *split_constraints("assistance"),
            # A batch's rows are written once: a second write of the same import
            # (a task delivered again) fails here rather than doubling the records.
            models.UniqueConstraint(
                fields=["import_batch", "import_row"],
                condition=Q(import_batch__isnull=False),
                name="assistance_import_row_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "delivered_on"]),
            models.Index(fields=["project", "delivered_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.activity_type} × {self.units} ({self.delivered_on})"

    def clean(self) -> None:
        super().clean()
        errors = splits_errors(
            {
                **{column: getattr(self, column) for column in [*SPLIT_FIELDS, *RECIPIENT_FIELDS]},
                "crossings": self.crossings,
            },
            self.people,
        )
        if (
            self.households is not None
            and self.people is not None
            and self.households > self.people
        ):
            errors["households"] = _(
                "More households (%(households)s) than people (%(people)s): every household "
                "reached has at least one direct recipient."
            ) % {"households": self.households, "people": self.people}
        if self.household_size is not None and not (
            HOUSEHOLD_SIZE_MIN <= self.household_size <= HOUSEHOLD_SIZE_MAX
        ):
            errors["household_size"] = _(
                "A household size must be between %(min)s and %(max)s."
            ) % {
                "min": HOUSEHOLD_SIZE_MIN,
                "max": HOUSEHOLD_SIZE_MAX,
            }
        if errors:
            raise ValidationError(errors)


class Survey(models.Model):
    """A beneficiary feedback questionnaire."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("feedback survey")
        verbose_name_plural = _("feedback surveys")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question of a survey, answered on a Likert scale or by choosing one option.
    ``choices`` is the ordered list of answer codes and labels."""

    class Kind(models.TextChoices):
        LIKERT = "likert", _("Likert scale")
        CHOICE = "choice", _("Single choice")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=40)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    choices = models.JSONField(
        _("answer options"),
        help_text=_('Ordered list of [code, label] pairs, e.g. [["5", "Very satisfied"], ...]'),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["survey", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "code"], name="question_code_unique_in_survey"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def choice_codes(self) -> list[str]:
        return [str(code) for code, _label in self.choices]

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.choices, list) or not all(
            isinstance(pair, list | tuple) and len(pair) == 2 for pair in self.choices
        ):
            raise ValidationError({"choices": _("Give a list of [code, label] pairs.")})
        # Each language's labels (``translation.py``) answer with the English codes, in order.
        english = [str(pair[0]) for pair in getattr(self, "choices_en", None) or self.choices]
        for language, _name in settings.LANGUAGES:
            labels = getattr(self, f"choices_{language}", None)
            if labels and (
                not isinstance(labels, list)
                or not all(isinstance(pair, list | tuple) and len(pair) == 2 for pair in labels)
                or [str(pair[0]) for pair in labels] != english
            ):
                raise ValidationError(
                    {
                        f"choices_{language}": _(
                            "Give the English answer codes, in the same order, each with its label."
                        )
                    }
                )


class FeedbackResponse(models.Model):
    """One beneficiary's answers to a survey, collected on a visit or imported."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="feedback")
    visit = models.ForeignKey(
        MonitoringVisit, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    collected_on = models.DateField(_("collected on"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex, blank=True)
    age_group = models.CharField(_("age group"), max_length=5, choices=AgeGroup, blank=True)
    population_group = models.CharField(
        _("population group"), max_length=10, choices=PopulationGroup, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus, default=ReviewStatus.DRAFT
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feedback response")
        verbose_name_plural = _("feedback responses")
        indexes = [models.Index(fields=["status", "collected_on"])]

    def __str__(self) -> str:
        return f"{self.survey} — {self.collected_on}"


class Answer(models.Model):
    """One answer of a feedback response: the code of one of the question's options."""

    response = models.ForeignKey(FeedbackResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("answer"), max_length=40)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}={self.value}"

    def clean(self) -> None:
        super().clean()
        if self.question_id and self.value not in self.question.choice_codes():
            raise ValidationError({"value": _("This answer is not one of the question's options.")})


class ImportBatch(models.Model):
    """One upload of a beneficiary list, and the whole state of its import.

    ``state`` moves queued → checking → checked → confirmed → importing →
    done (or invalid, failed, expired), always by a conditional UPDATE
    (``imports.status.batch_transition``); "done" is set in the transaction
    that writes the records. The dry run's result (counts, errors by row and
    column, the first rows), the progress and the reviews are on the row; the
    uploaded file sits in ``IMPORT_ROOT/<id>/`` until ``upload_deleted_at``.
    """

    class State(models.TextChoices):
        RECEIVING = "receiving", _("Receiving the file")
        QUEUED = "queued", _("Waiting for a worker")
        CHECKING = "checking", _("Checking the rows")
        CHECKED = "checked", _("Checked")
        CONFIRMED = "confirmed", _("Waiting for a worker")
        IMPORTING = "importing", _("Writing the records")
        DONE = "done", _("Imported")
        INVALID = "invalid", _("The file cannot be read")
        EXPIRED = "expired", _("Expired")
        FAILED = "failed", _("Stopped")

    id = models.UUIDField(primary_key=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    format = models.CharField(max_length=4)
    language = models.CharField(max_length=15)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.RECEIVING)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_estimate = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True)
    errors_total = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    columns = models.JSONField(default=list, blank=True)
    ignored_columns = models.JSONField(default=list, blank=True)
    record_status = models.CharField(max_length=10, blank=True)
    returns = models.JSONField(default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    upload_deleted_at = models.DateTimeField(null=True, blank=True)
    # Stamped every few seconds by the worker running a step (programmes.leases);
    # None once an interrupted step has been queued again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["upload_deleted_at", "updated_at"])]

    def __str__(self) -> str:
        return self.filename


# Aggregate survey results live in their own module; imported here so that
# Django finds them as models of this app.
from beneficiaries.models_location import VisitLocation  # noqa: E402, F401
from beneficiaries.survey_results import SurveyResult, SurveyResultCount  # noqa: E402, F401
