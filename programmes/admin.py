"""Admin for the portfolio's reference data: donors, programmes, portfolios,
contributions, exchange rates, sectors and projects (the places:
``admin_places``; users and what they are sent: ``admin_users``; what every
admin shares, number fields that read Arabic-Indic digits among it:
``admin_base``).

The admin is the administrators' tool (see docs/PRODUCT.md): it shows
everything. Models with ``history`` use ``SimpleHistoryAdmin`` so that the
"History" page says who changed what and when. Donors, programmes, projects
and contributions (also those inline on a programme) are written through
``programmes.services``, as over the API: the same checks, the same history
and the same recomputation.
"""

from __future__ import annotations

import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin

from programmes import admin_places, admin_users, services  # noqa: F401 (register their models)
from programmes.admin_base import (
    GOVERNORATE_BOUNDARY,
    GovernorateFilter,
    LocalNumbersMixin,
    ServiceWritesAdmin,
    created_as,
    model_fields,
    usd,
)
from programmes.admin_coverage import ProjectAdminForm
from programmes.models import (
    Contribution,
    Donor,
    ExchangeRate,
    Portfolio,
    Programme,
    Project,
    Sector,
)


@admin.register(Donor)
class DonorAdmin(ServiceWritesAdmin):
    create_service = services.donor_create
    update_service = services.donor_update
    delete_service = services.donor_delete
    instance_name = "donor"
    list_display = ["name", "code", "kind", "named", "total_contributed"]
    list_filter = ["kind", "named"]
    search_fields = ["name", "code"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_total=Sum("contributions__amount_usd"))

    @admin.display(description=_("contributed (US$)"), ordering="_total")
    def total_contributed(self, obj: Donor) -> str | None:
        return usd(obj._total)


class ContributionForm(forms.ModelForm):
    """A contribution as the donor gave it; the form says which currency has
    no rate on the date before anything is saved (the service sets the US$
    rate and amount)."""

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            priced = copy.copy(self.instance)
            for name in ("currency", "amount", "date"):
                if name in cleaned:
                    setattr(priced, name, cleaned[name])
            try:
                services.contribution_priced(contribution=priced)
            except ValidationError as error:
                self.add_error(None, error)  # by field: the currency
        return cleaned


class ContributionInline(LocalNumbersMixin, admin.TabularInline):
    model = Contribution
    form = ContributionForm
    fields = [
        "donor",
        "currency",
        "amount",
        "amount_usd",
        "date",
        "period_start",
        "period_end",
        "reference",
    ]
    readonly_fields = ["amount_usd"]
    autocomplete_fields = ["donor"]
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(TranslationAdmin, ServiceWritesAdmin):
    create_service = services.programme_create
    update_service = services.programme_update
    delete_service = services.programme_delete
    instance_name = "programme"
    list_display = ["code", "name", "outcome_area", "start_date", "end_date"]
    list_filter = ["outcome_area"]
    search_fields = ["code", "name"]
    date_hierarchy = "start_date"
    ordering = ["code"]
    inlines = [ContributionInline]

    def save_formset(self, request, form, formset, change):
        """The contributions inline, written through the contribution services."""
        if formset.model is not Contribution:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for contribution in formset.deleted_objects:
            services.contribution_delete(contribution=contribution, user=request.user)
        for contribution, changed in formset.changed_objects:
            services.contribution_update(
                contribution=contribution,
                user=request.user,
                fields=model_fields(contribution, changed),
            )
        for contribution in formset.new_objects:
            names = [*formset.form.base_fields, "programme"]
            created = services.contribution_create(
                user=request.user, fields=model_fields(contribution, names)
            )
            created_as(contribution, created)


@admin.register(Portfolio)
class PortfolioAdmin(TranslationAdmin, SimpleHistoryAdmin):
    """Portfolios, saved with their programmes through the portfolio services."""

    list_display = ["code", "name", "key"]
    search_fields = ["code", "name", "key"]
    filter_horizontal = ["programmes"]
    readonly_fields = ["key"]
    ordering = ["code"]

    def save_model(self, request, obj, form, change):
        """Saved in ``save_related``, with its programmes, by one service call."""

    def save_related(self, request, form, formsets, change):
        fields = {n: form.cleaned_data[n] for n in ("code", *get_translation_fields("name"))}
        programmes = form.cleaned_data["programmes"]
        obj = form.instance
        if change:
            services.portfolio_update(
                portfolio=obj, user=request.user, fields=fields, programmes=programmes
            )
        else:
            created = services.portfolio_create(
                user=request.user, fields=fields, programmes=programmes
            )
            created_as(obj, created)

    def delete_model(self, request, obj):
        services.portfolio_delete(portfolio=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.portfolio_delete(portfolio=obj, user=request.user)


@admin.register(Contribution)
class ContributionAdmin(ServiceWritesAdmin):
    create_service = services.contribution_create
    update_service = services.contribution_update
    delete_service = services.contribution_delete
    instance_name = "contribution"
    form = ContributionForm
    readonly_fields = ["usd_rate", "amount_usd"]
    list_display = [
        "donor",
        "programme",
        "portfolio",
        "given",
        "amount_in_usd",
        "date",
        "period_start",
        "period_end",
        "reference",
    ]
    list_filter = ["donor", "programme", "portfolio", "currency"]
    list_select_related = ["donor", "programme", "portfolio"]
    search_fields = [
        "reference",
        "donor__name",
        "donor__code",
        "programme__code",
        "programme__name",
    ]
    autocomplete_fields = ["donor", "programme", "portfolio"]
    date_hierarchy = "date"
    ordering = ["-date", "-id"]

    @admin.display(
        description=Contribution._meta.get_field("amount_usd").verbose_name, ordering="amount_usd"
    )
    def amount_in_usd(self, obj: Contribution) -> str | None:
        return usd(obj.amount_usd)

    @admin.display(description=_("as given"), ordering="amount")
    def given(self, obj: Contribution) -> str:
        return f"{obj.currency} {usd(obj.amount)}"


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ServiceWritesAdmin):
    create_service = services.exchange_rate_create
    update_service = services.exchange_rate_update
    delete_service = services.exchange_rate_delete
    instance_name = "exchange_rate"
    list_display = ["currency", "valid_from", "usd_per_unit"]
    list_filter = ["currency"]
    search_fields = ["currency"]
    date_hierarchy = "valid_from"
    ordering = ["currency", "-valid_from"]


@admin.register(Sector)
class SectorAdmin(TranslationAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    ordering = ["name"]


@admin.register(Project)
class ProjectAdmin(TranslationAdmin, ServiceWritesAdmin):
    create_service = services.project_create
    update_service = services.project_update
    delete_service = services.project_delete
    instance_name = "project"
    form = ProjectAdminForm
    list_display = [
        "code",
        "name",
        "programme",
        "governorate",
        "sector",
        "kind",
        "status",
        "donor",
        "start_date",
        "end_date",
        "budget",
    ]
    list_filter = [
        "status",
        "kind",
        "programme",
        ("governorate", GovernorateFilter),
        "sector",
        "donor",
    ]
    list_select_related = ["programme", "governorate", "sector", "donor"]
    search_fields = ["code", "name", "district__name_en", "location_note", "community"]
    autocomplete_fields = ["programme", "governorate", "district", "donor"]
    date_hierarchy = "start_date"
    ordering = ["code"]
    fieldsets = [
        (None, {"fields": ["code", "name", "programme", "kind", "sector", "status"]}),
        (
            _("Location"),
            {
                "fields": [
                    "national",
                    "coverage",
                    "district",
                    "governorate",
                    "location_note",
                    "community",
                ]
            },
        ),
        (_("Funding and period"), {"fields": ["donor", "budget_usd", "start_date", "end_date"]}),
    ]

    def save_model(self, request, obj, form, change):
        # The coverage is no model field: given to the service when it changed.
        if "coverage" not in form.cleaned_data:
            return super().save_model(request, obj, form, change)
        coverage = {"coverage": form.cleaned_data["coverage"]}
        if change:
            fields = {**model_fields(obj, form.changed_data), **coverage}
            services.project_update(project=obj, user=request.user, fields=fields)
        else:
            fields = {**model_fields(obj, form.cleaned_data), **coverage}
            created_as(obj, services.project_create(user=request.user, fields=fields))

    @admin.display(
        description=Project._meta.get_field("budget_usd").verbose_name, ordering="budget_usd"
    )
    def budget(self, obj: Project) -> str | None:
        return usd(obj.budget_usd)

    def get_queryset(self, request):
        # Applies where the list joins the governorate (list_select_related);
        # a select_related here would make the changelist skip that list.
        return super().get_queryset(request).defer(GOVERNORATE_BOUNDARY)
