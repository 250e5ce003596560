"""Admin for indicator definitions, the household multiplier and recomputations,
(the admin mixins that recompute after an edit live in ``programmes.hooks``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from indicators import services, target_services
from indicators.models import (
    HouseholdMultiplier,
    IndicatorDefinition,
    IndicatorValue,
    RecomputeJob,
    Target,
)
from programmes.admin_base import LocalNumbersMixin


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(LocalNumbersMixin, TranslationAdmin, SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "source",
        "measure",
        "apply_multiplier",
        "accumulation",
        "is_active",
        "headline",
        "dashboard_role",
        "section",
    ]
    list_filter = [
        "headline",
        "dashboard_role",
        "section",
        "source",
        "measure",
        "accumulation",
        "apply_multiplier",
        "is_active",
    ]
    search_fields = ["code", "name"]
    filter_horizontal = ["activity_types", "sectors", "programmes"]
    fieldsets = [
        (None, {"fields": ["code", "name", "description", "is_active"]}),
        (
            _("Where it appears"),
            {"fields": ["headline", "dashboard_role", "section", "position"]},
        ),
        (
            _("What it counts"),
            {"fields": ["source", "measure", "apply_multiplier", "multiplier", "accumulation"]},
        ),
        (
            _("Which records (empty: all)"),
            {
                "fields": [
                    "activity_types",
                    "sectors",
                    "programmes",
                    "project_statuses",
                    "project_kinds",
                ]
            },
        ),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The filters are saved only now: recompute this definition after commit.
        services.recompute_request_full(user=request.user, definition_ids=[form.instance.pk])


@admin.register(HouseholdMultiplier)
class HouseholdMultiplierAdmin(LocalNumbersMixin, SimpleHistoryAdmin):
    list_display = ["effective_from", "value", "note"]
    ordering = ["-effective_from"]

    def save_model(self, request, obj, form, change):
        if change and "effective_from" in form.changed_data:
            HouseholdMultiplier.objects.filter(pk=obj.pk).delete()
        saved = services.multiplier_set(
            value=obj.value, effective_from=obj.effective_from, note=obj.note, user=request.user
        )
        obj.pk = saved.pk
        messages.info(
            request, _("Every figure using the household multiplier is being recomputed.")
        )


@admin.register(Target)
class TargetAdmin(LocalNumbersMixin, SimpleHistoryAdmin):
    """Targets with their history; saved and deleted through the target
    services, as on the targets page and the API."""

    list_display = ["definition", "programme", "project", "period_start", "period_end",
                    "governorate", "district", "split", "value"]  # fmt: skip
    list_filter = ["definition", "programme", "split"]
    list_select_related = ["definition", "programme", "project", "governorate", "district"]
    raw_id_fields = ["project", "governorate", "district"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data.get(name) for name in target_services.WRITABLE}
        fields["split"] = fields["split"] or ""
        fields["note"] = fields["note"] or ""
        saved = target_services.target_set(
            user=request.user, fields=fields, target=obj if change else None
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        target_services.target_delete(target=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            target_services.target_delete(target=target, user=request.user)


@admin.register(RecomputeJob)
class RecomputeJobAdmin(admin.ModelAdmin):
    """Recomputations, with their progress; "Recompute all now" starts one."""

    list_display = [
        "id",
        "kind",
        "status",
        "progress_bar",
        "step",
        "attempts",
        "created_at",
        "finished_at",
        "requested_by",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in RecomputeJob._meta.fields] + ["progress_bar"]
    change_list_template = "admin/indicators/recomputejob/change_list.html"
    change_form_template = "admin/indicators/recomputejob/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress_bar(self, obj: RecomputeJob) -> str:
        if obj.interrupted:
            return _("Interrupted, restarting")
        return format_html(
            '<progress max="100" value="{}" aria-label="{}"></progress> {}%',
            obj.progress,
            obj.step,
            obj.progress,
        )

    def get_urls(self):
        return [
            path(
                "start/",
                self.admin_site.admin_view(self.start_view),
                name="indicators_recomputejob_start",
            ),
            *super().get_urls(),
        ]

    def start_view(self, request: HttpRequest):
        if request.method != "POST" or not request.user.has_perm(
            "indicators.add_indicatordefinition"
        ):
            return HttpResponseRedirect(reverse("admin:indicators_recomputejob_changelist"))
        job = services.recompute_request_full(user=request.user)
        messages.success(request, _("A full recomputation has been queued."))
        return HttpResponseRedirect(reverse("admin:indicators_recomputejob_change", args=[job.pk]))


@admin.register(IndicatorValue)
class IndicatorValueAdmin(LocalNumbersMixin, admin.ModelAdmin):
    list_display = [
        "definition",
        "period_type",
        "period_end",
        "governorate",
        "programme",
        "donor",
        "value",
        "sex_f",
        "sex_m",
        "multiplier_value",
        "computed_at",
    ]
    list_filter = ["period_type", "definition"]
    list_select_related = ["definition", "governorate", "programme", "donor"]
    show_full_result_count = False
    ordering = ["definition", "period_type", "-period_end"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
