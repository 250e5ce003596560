"""Admin for the portfolio's reference data and for users and their scope.

The admin is the administrators' tool (see docs/PRODUCT.md): it shows
everything. Models with ``history`` use ``SimpleHistoryAdmin`` so that the
"History" page says who changed what and when. Donors, programmes, projects
and contributions (also those inline on a programme) are written through
``programmes.services``, as over the API: the same checks, the same history
and the same recomputation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin

from programmes import services
from programmes.admin_coverage import ProjectAdminForm
from programmes.models import (
    Contribution,
    District,
    Donor,
    ExchangeRate,
    Governorate,
    Notification,
    NotificationPreference,
    OutboxTask,
    Portfolio,
    Programme,
    Project,
    Sector,
    SubDistrict,
    UserProfile,
)

# A governorate's boundary is a few kilobytes of coordinates; lists that show
# a governorate next to each row need its name only.
GOVERNORATE_BOUNDARY = "governorate__boundary"


def usd(amount) -> str | None:
    """A dollar amount as the snapshots print it: 19,300,000."""
    if amount is None:
        return None
    return number_format(amount, decimal_pos=0, force_grouping=True)


def model_fields(obj, names) -> dict[str, Any]:
    """``{name: value}`` of ``obj`` for the names that are the model's own
    concrete, editable fields (a form may have others)."""
    own = {
        f.name
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and not f.many_to_many
    }
    return {name: getattr(obj, name) for name in names if name in own}


def created_as(obj, created) -> None:
    """Make the admin's unsaved ``obj`` the row the create service saved, so
    that the admin's log and redirect name it."""
    obj.pk = created.pk
    obj._state = created._state


class ServiceWritesAdmin(SimpleHistoryAdmin):
    """An admin whose saves and deletions go through the model's services:
    ``create(user, fields)``, ``update(<name>=obj, user, fields)``,
    ``delete(<name>=obj, user)`` (see ``programmes.services``)."""

    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    delete_service: Callable[..., None]
    instance_name: str

    def save_model(self, request, obj, form, change):
        if change:
            type(self).update_service(
                **{self.instance_name: obj},
                user=request.user,
                fields=model_fields(obj, form.changed_data),
            )
        else:
            created = type(self).create_service(
                user=request.user, fields=model_fields(obj, form.cleaned_data)
            )
            created_as(obj, created)

    def delete_model(self, request, obj):
        type(self).delete_service(**{self.instance_name: obj}, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            type(self).delete_service(**{self.instance_name: obj}, user=request.user)


class GovernorateFilter(admin.RelatedFieldListFilter):
    """The governorate filter, without loading 18 boundaries to list 18 names."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ["name_iom"]
        return list(Governorate.objects.order_by(*ordering).values_list("pk", "name_iom"))


class LinesField(forms.CharField):
    """A list of strings edited as one per line (aliases), instead of raw JSON."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        seen: list[str] = []
        for line in text.splitlines():
            item = line.strip()
            if item and item not in seen:
                seen.append(item)
        return seen


class GovernorateForm(forms.ModelForm):
    aliases = LinesField(
        label=capfirst(Governorate._meta.get_field("aliases").verbose_name),
        required=False,
        help_text=_("Other spellings found in reports, one per line; matched on import."),
    )

    class Meta:
        model = Governorate
        fields = ["pcode", "iso_3166_2", "name_iom", "name_en", "name_ar", "aliases"]


def _boundary_vertex_count(coordinates) -> int:
    """Number of positions in a GeoJSON coordinates array of any depth."""
    if not coordinates:
        return 0
    if isinstance(coordinates[0], int | float):
        return 1
    return sum(_boundary_vertex_count(part) for part in coordinates)


@admin.register(Governorate)
class GovernorateAdmin(admin.ModelAdmin):
    form = GovernorateForm
    list_display = ["name_iom", "name_en", "name_ar", "pcode", "iso_3166_2", "project_count"]
    search_fields = ["name_iom", "name_en", "name_ar", "pcode", "iso_3166_2", "aliases"]
    ordering = ["name_iom"]
    readonly_fields = ["boundary_summary"]
    fieldsets = [
        (None, {"fields": ["pcode", "iso_3166_2", "name_iom", "name_en", "name_ar"]}),
        (_("Matching report spellings"), {"fields": ["aliases"]}),
        (_("Boundary"), {"fields": ["boundary_summary"]}),
    ]

    def get_queryset(self, request):
        # Only the change page reads the boundary (one extra query there); the
        # list and the autocomplete of every governorate field do not load it,
        # and saving a form writes the loaded fields only, never the boundary.
        return (
            super()
            .get_queryset(request)
            .defer("boundary")
            .annotate(_project_count=Count("projects"))
        )

    @admin.display(description=_("projects"), ordering="_project_count")
    def project_count(self, obj: Governorate) -> int:
        return obj._project_count

    @admin.display(description=_("boundary"))
    def boundary_summary(self, obj: Governorate) -> str:
        geometry = obj.boundary if obj.pk else None
        if not geometry:
            return _("No boundary loaded.")
        coordinates = geometry.get("coordinates") or []
        if geometry.get("type") == "MultiPolygon":
            polygons = len(coordinates)
        elif geometry.get("type") == "Polygon":
            polygons = 1
        else:
            polygons = 0
        return _("%(type)s: %(polygons)s polygon(s), %(vertices)s vertices") % {
            "type": geometry.get("type", "?"),
            "polygons": polygons,
            "vertices": _boundary_vertex_count(coordinates),
        }


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    """The 101 districts the migration loads: searched by P-code or any name
    (the project form's district picker), their names and aliases editable."""

    list_display = ["name_en", "name_ar", "pcode", "governorate"]
    list_filter = [("governorate", GovernorateFilter)]
    list_select_related = ["governorate"]
    search_fields = ["name_en", "name_ar", "pcode", "aliases", "governorate__name_iom"]
    ordering = ["pcode"]
    fields = ["pcode", "governorate", "name_en", "name_ar", "aliases"]
    autocomplete_fields = ["governorate"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("boundary", "governorate__boundary")


@admin.register(SubDistrict)
class SubDistrictAdmin(admin.ModelAdmin):
    """The 294 sub-districts the migration loads, searched by P-code or any name."""

    list_display = ["name_en", "name_ar", "pcode", "district"]
    list_select_related = ["district"]
    search_fields = ["name_en", "name_ar", "pcode", "aliases", "district__name_en"]
    ordering = ["pcode"]
    fields = ["pcode", "district", "name_en", "name_ar", "aliases"]
    autocomplete_fields = ["district"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("boundary", "district__boundary")


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


class ContributionInline(admin.TabularInline):
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


@admin.register(UserProfile)
class UserProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "donor"]
    list_filter = ["role", "donor", ("governorates", GovernorateFilter), "programmes"]
    list_select_related = ["user", "donor"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user", "donor"]
    filter_horizontal = ["governorates", "programmes"]
    ordering = ["user__username"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "governorates":
            kwargs["queryset"] = Governorate.objects.defer("boundary")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    verbose_name_plural = _("role and scope")
    fields = ["role", "donor", "governorates", "programmes"]
    autocomplete_fields = ["donor"]
    filter_horizontal = ["governorates", "programmes"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "governorates":
            kwargs["queryset"] = Governorate.objects.defer("boundary")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, with the user's role and scope on the same page."""

    inlines = [UserProfileInline]
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "is_staff",
        "is_active",
    ]
    list_filter = ["profile__role", "is_staff", "is_superuser", "is_active", "groups"]
    list_select_related = ["profile"]

    @admin.display(description=_("role"), ordering="profile__role")
    def role(self, obj: User) -> str | None:
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else None


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Background work: what waits for the broker (and since when, with the
    last error), and what was sent in the last week. Read only: the outbox
    sends it by itself."""

    list_display = ["id", "kind", "state", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in OutboxTask._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What users were told: read only, written by the services that tell them."""

    list_display = ["id", "user", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Each user's choices of what to be told (they set them on their own page)."""

    list_display = ["user", "kind", "in_app", "by_email"]
    list_filter = ["kind"]
    list_select_related = ["user"]
