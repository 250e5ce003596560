"""Admin for what was delivered, what monitors saw and what people said.

Assistance records and their recipient counts grow to millions of rows, so
their lists never count the whole table on every page, filter only on small
reference tables and pick foreign keys through autocomplete.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db import connections, models
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from beneficiaries.admin_place import PlacedAdminForm
from beneficiaries.admin_reach import SharedReachAdmin  # noqa: F401 (registers it)
from beneficiaries.admin_review import ReviewActionsMixin
from beneficiaries.models import (
    RECIPIENT_FIELDS,
    SPLIT_FIELDS,
    SPLITS,
    ActivityType,
    AgeGroup,
    Answer,
    AssistanceRecord,
    Beneficiary,
    FeedbackResponse,
    ImportBatch,
    MonitoringVisit,
    Photo,
    PopulationGroup,
    Question,
    Referral,
    Sex,
    Survey,
    VisitLocation,
    recipient_field,
)
from beneficiaries.models_splits import splits_resolve
from beneficiaries.services import strip_photo_metadata
from beneficiaries.survey_results import SurveyResult, SurveyResultCount
from programmes.admin_base import GOVERNORATE_BOUNDARY, GovernorateFilter, LocalNumbersMixin
from programmes.hooks import RecomputeAfterChangeMixin
from programmes.models import Programme


class EstimatedCountPaginator(Paginator):
    """A paginator that, for an unfiltered list of a big table, takes the row
    count from PostgreSQL's statistics instead of counting every row.

    The estimate is as fresh as the last ANALYZE (autovacuum runs it), so the
    total shown is approximate and the last page may hold fewer rows than
    expected or come up empty. Filtered lists and small tables are counted
    exactly. A full COUNT of a million rows costs some 60 ms on every page.
    """

    exact_below = 100_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, models.QuerySet) and not queryset.query.where:
            model = queryset.model
            connection = connections[queryset.db]
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [connection.ops.quote_name(model._meta.db_table)],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.exact_below:
                return int(row[0])
        return super().count


class BigTableMixin:
    """Admin settings for a list of millions of rows."""

    paginator = EstimatedCountPaginator
    # "5 results (1,000,000 total)" would count the whole table again.
    show_full_result_count = False


@admin.register(ActivityType)
class ActivityTypeAdmin(TranslationAdmin):
    list_display = ["name", "code", "unit", "sector_names"]
    list_filter = ["sectors"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    filter_horizontal = ["sectors"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sectors")

    @admin.display(description=_("sectors"))
    def sector_names(self, obj: ActivityType) -> str:
        return ", ".join(sector.name for sector in obj.sectors.all())


@admin.register(Beneficiary)
class BeneficiaryAdmin(LocalNumbersMixin, SimpleHistoryAdmin):
    list_display = [
        "full_name",
        "phone",
        "sex",
        "age_group",
        "population_group",
        "governorate",
        "household_size",
    ]
    list_filter = [
        "sex",
        "age_group",
        "population_group",
        ("governorate", GovernorateFilter),
    ]
    list_select_related = ["governorate"]
    search_fields = ["full_name", "phone"]
    autocomplete_fields = ["governorate"]
    ordering = ["full_name", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer(GOVERNORATE_BOUNDARY)


class PhotoForm(forms.ModelForm):
    """Photos uploaded through the admin lose their location metadata, as
    those uploaded in the field do (docs/PRODUCT.md, data protection)."""

    class Meta:
        model = Photo
        fields = ["visit", "image", "caption", "credit"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            return strip_photo_metadata(image)
        return image


@admin.display(description=_("preview"))
def photo_preview(obj: Photo) -> str:
    if not obj.pk or not obj.image:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" style="max-height: 160px; max-width: 240px">',
        obj.image.url,
        obj.caption,
    )


class ReferralInline(admin.TabularInline):
    model = Referral
    fields = ["issue", "referred_to", "closed_on"]
    formfield_overrides = {
        # A referral's issue is a sentence or two; the default textarea is huge.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }
    extra = 0


class PhotoInline(admin.TabularInline):
    model = Photo
    form = PhotoForm
    fields = ["image", photo_preview, "caption", "credit", "uploaded_at"]
    readonly_fields = [photo_preview, "uploaded_at"]
    extra = 0


# The review workflow's fields: they change through the workflow's services
# only (the actions below, or the pages), so that approving or returning keeps
# the records in step, the history and the recomputation.
WORKFLOW_FIELDS = ["status", "return_reason", "submitted_at", "reviewed_at", "reviewed_by"]


@admin.register(MonitoringVisit)
class MonitoringVisitAdmin(ReviewActionsMixin, RecomputeAfterChangeMixin, SimpleHistoryAdmin):
    list_display = [
        "visit_date",
        "project",
        "monitor",
        "status",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
    ]
    list_filter = [
        "status",
        "project__programme",
        ("governorate", GovernorateFilter),
        "project__sector",
    ]
    list_select_related = ["project", "monitor", "reviewed_by"]
    search_fields = [
        "project__code",
        "project__name",
        "monitor__username",
        "monitor__first_name",
        "monitor__last_name",
        "findings",
    ]
    autocomplete_fields = ["project", "monitor"]
    date_hierarchy = "visit_date"
    ordering = ["-visit_date", "-id"]
    readonly_fields = [*WORKFLOW_FIELDS, "created_at", "updated_at"]
    form = PlacedAdminForm
    fieldsets = [
        (None, {"fields": ["project", "place", "monitor", "visit_date", "findings"]}),
        (
            _("Review"),
            {
                "fields": [
                    "status",
                    "return_reason",
                    "submitted_at",
                    "reviewed_at",
                    "reviewed_by",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [ReferralInline, PhotoInline]


@admin.register(Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    list_display = ["short_issue", "referred_to", "visit", "closed_on"]
    list_filter = [
        "closed_on",
        "visit__project__programme",
        ("visit__project__governorate", GovernorateFilter),
    ]
    list_select_related = ["visit__project"]
    search_fields = ["issue", "referred_to", "visit__project__code"]
    autocomplete_fields = ["visit"]
    ordering = ["-id"]

    @admin.display(description=_("issue found"), ordering="issue")
    def short_issue(self, obj: Referral) -> str:
        return Truncator(obj.issue).chars(80)


@admin.register(Photo)
class PhotoAdmin(SimpleHistoryAdmin):
    form = PhotoForm
    list_display = ["caption", "credit", "visit", "uploaded_at"]
    list_filter = [
        "visit__project__programme",
        ("visit__project__governorate", GovernorateFilter),
    ]
    list_select_related = ["visit__project"]
    search_fields = ["caption", "credit", "visit__project__code"]
    autocomplete_fields = ["visit"]
    date_hierarchy = "uploaded_at"
    ordering = ["-uploaded_at", "-id"]
    fields = ["visit", "image", photo_preview, "caption", "credit", "uploaded_at"]
    readonly_fields = [photo_preview, "uploaded_at"]


def _breakdown_fieldsets() -> list:
    """One collapsible fieldset per population group: women on one line,
    men on the next, by age group."""
    fieldsets = []
    for group in PopulationGroup:
        rows = [
            tuple(recipient_field(sex, age, group.value) for age in AgeGroup.values)
            for sex in Sex.values
        ]
        fieldsets.append(
            (
                format_lazy(_("Recipients: {group}"), group=group.label),
                {"fields": rows, "classes": ["collapse"]},
            )
        )
    return fieldsets


class DeliveredYearFilter(admin.SimpleListFilter):
    """Records by year of delivery, in place of a date hierarchy: that one
    reads the whole table twice per page (first and last date, then the
    distinct years), some 300 ms at a million rows. The years offered run
    from the first programme's start to this year, read from the small
    programme table."""

    title = _("year delivered")
    parameter_name = "delivered_year"

    def lookups(self, request, model_admin):
        this_year = timezone.localdate().year
        first = Programme.objects.aggregate(first=Min("start_date"))["first"]
        first_year = min(first.year, this_year) if first else this_year
        return [(str(year), str(year)) for year in range(this_year, first_year - 1, -1)]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(delivered_on__year=int(value))
        return queryset


class AssistanceRecordForm(PlacedAdminForm):
    """The record's place (``PlacedAdminForm``), and: a dimension whose split
    columns are all left empty takes the sums of the crossing's cells
    (``splits_resolve``), as on the visit form and in the API; the record's
    ``clean`` then checks both against the people."""

    def clean(self):
        data = super().clean()
        given = {column: data.get(column) for column in [*SPLIT_FIELDS, *RECIPIENT_FIELDS]}
        data.update(splits_resolve(given))
        if self.instance.reach_id and (
            data.get("households") or data.get("people") or data.get("household_size")
        ):
            raise forms.ValidationError(
                _(
                    "This line shares a reach with other lines: its households, people and "
                    "household size are the shared reach's, counted once."
                )
            )
        return data


@admin.register(AssistanceRecord)
class AssistanceRecordAdmin(
    LocalNumbersMixin, RecomputeAfterChangeMixin, BigTableMixin, SimpleHistoryAdmin
):
    form = AssistanceRecordForm
    list_display = [
        "id",
        "delivered_on",
        "project",
        "activity_type",
        "units",
        "households",
        "people",
        "household_size",
        "reach",
        "status",
    ]
    # Small reference tables only: a filter lists every row of its table.
    list_filter = [
        "status",
        DeliveredYearFilter,
        "activity_type",
        "project__programme",
        ("governorate", GovernorateFilter),
    ]
    list_select_related = ["project", "activity_type", "reach"]
    search_fields = ["project__code", "project__name", "beneficiary__full_name"]
    autocomplete_fields = ["project", "activity_type", "visit", "beneficiary"]
    # Newest entries first, read backwards along the primary key: ordering a
    # million rows by delivery date takes half a second with no index on it.
    ordering = ["-id"]
    # A record's status follows its visit's (or its import's) review.
    readonly_fields = ["status", "reach", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["project", "place", "activity_type", "delivered_on", "status"]}),
        (_("Reached"), {"fields": ["units", "households", "people", "household_size", "reach"]}),
        (
            _("Recipients as recorded (empty: not recorded)"),
            {"fields": [tuple(columns.values()) for columns in SPLITS.values()]},
        ),
        *_breakdown_fieldsets(),
        (_("Verified by"), {"fields": ["visit", "beneficiary"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]


class QuestionInline(LocalNumbersMixin, TranslationStackedInline):
    model = Question
    fields = [("position", "code", "kind"), "text", "choices"]
    extra = 0


@admin.register(Survey)
class SurveyAdmin(TranslationAdmin):
    list_display = ["title", "code", "question_count", "response_count"]
    search_fields = ["title", "code"]
    ordering = ["title"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _questions=Count("questions", distinct=True),
                _responses=Count("responses", distinct=True),
            )
        )

    @admin.display(description=_("questions"), ordering="_questions")
    def question_count(self, obj: Survey) -> int:
        return obj._questions

    @admin.display(description=_("responses"), ordering="_responses")
    def response_count(self, obj: Survey) -> int:
        return obj._responses


@admin.register(Question)
class QuestionAdmin(LocalNumbersMixin, TranslationAdmin):
    list_display = ["text", "code", "survey", "kind", "position"]
    list_filter = ["survey", "kind"]
    list_select_related = ["survey"]
    search_fields = ["text", "code", "survey__title", "survey__code"]
    ordering = ["survey", "position"]


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "value"]
    autocomplete_fields = ["question"]
    extra = 0


@admin.register(FeedbackResponse)
class FeedbackResponseAdmin(RecomputeAfterChangeMixin, SimpleHistoryAdmin):
    list_display = [
        "collected_on",
        "survey",
        "project",
        "status",
        "sex",
        "age_group",
        "population_group",
    ]
    list_filter = [
        "status",
        "survey",
        "project__programme",
        ("project__governorate", GovernorateFilter),
        "sex",
        "age_group",
        "population_group",
    ]
    list_select_related = ["survey", "project"]
    search_fields = ["project__code", "project__name", "survey__title"]
    autocomplete_fields = ["project", "visit"]
    date_hierarchy = "collected_on"
    ordering = ["-collected_on", "-id"]
    # A response's status follows its visit's review.
    readonly_fields = ["status"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["response", "question", "value"]
    list_filter = ["response__survey"]
    list_select_related = ["response__survey", "question"]
    search_fields = ["value", "question__code", "question__text"]
    autocomplete_fields = ["response", "question"]
    ordering = ["-id"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Imports, read only: their state changes through the import's services
    (a conditional UPDATE per step), never by hand."""

    list_display = ("filename", "owner", "state", "created_at", "finished_at", "upload_deleted_at")
    list_filter = ("state",)
    search_fields = ("filename", "owner__username")
    list_select_related = ("owner",)
    exclude = ("errors", "preview")
    readonly_fields = [
        field.name for field in ImportBatch._meta.fields if field.name not in ("errors", "preview")
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SurveyResultCountInline(LocalNumbersMixin, admin.TabularInline):
    model = SurveyResultCount
    extra = 0
    autocomplete_fields = ()
    raw_id_fields = ("question",)


@admin.register(SurveyResult)
class SurveyResultAdmin(LocalNumbersMixin, SimpleHistoryAdmin):
    """Aggregate survey results, for corrections; officers enter them on
    their page or through the API (``services.survey_result_save``)."""

    list_display = ("survey", "project", "collected_on", "base", "entered_by", "created_at")
    list_filter = ("survey",)
    search_fields = ("project__code", "source")
    list_select_related = ("survey", "project", "entered_by")
    raw_id_fields = ("project", "entered_by")
    inlines = [SurveyResultCountInline]


@admin.register(SurveyResultCount)
class SurveyResultCountAdmin(LocalNumbersMixin, SimpleHistoryAdmin):
    list_display = ("result", "question", "value", "count")
    list_select_related = ("result__survey", "result__project", "question")
    raw_id_fields = ("result", "question")


@admin.register(VisitLocation)
class VisitLocationAdmin(SimpleHistoryAdmin):
    """Where monitors' phones were for their visits (given with consent):
    read only, written by the visit form and the API."""

    list_display = ["visit", "latitude", "longitude", "accuracy_m", "outside_km", "captured_at"]
    list_select_related = ["visit__project"]
    readonly_fields = [f.name for f in VisitLocation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
