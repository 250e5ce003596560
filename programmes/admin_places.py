"""The admin of the places: governorates, districts and sub-districts, their
names, aliases and boundaries (loaded by migrations, edited here)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from programmes.admin_base import GovernorateFilter
from programmes.models import District, Governorate, SubDistrict


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
