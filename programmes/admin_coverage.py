"""The project admin's coverage: the places a project covers typed as names or
P-codes, one per line or comma-separated ("Kirkuk, Al-Mosul"), or none for a
national project (``programmes/services_coverage.py``)."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programmes.models import Project, ProjectPlace
from programmes.places import DISTRICT, GOVERNORATE, place_index, place_resolve
from programmes.services_coverage import (
    coverage_checked,
    coverage_derive,
    project_coverage,
)


class ProjectAdminForm(forms.ModelForm):
    coverage = forms.CharField(
        label=_("places covered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Governorates and districts, by name or P-code, one per line or separated by "
            "commas. Empty for a national project; one place is the project's governorate "
            "or district. A district is never given beside its own governorate."
        ),
    )

    class Meta:
        model = Project
        fields = ["national", "governorate", "district"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["coverage"] = "\n".join(p.pcode for p in project_coverage(self.instance))

    def clean_coverage(self):
        names = [n.strip() for n in re.split(r"[,\n]", self.cleaned_data["coverage"]) if n.strip()]
        index = place_index() if names else None
        places, errors = [], []
        for name in names:
            try:
                places.append(place_resolve(name, levels=(GOVERNORATE, DISTRICT), index=index))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return places

    def clean(self):
        data = super().clean()
        places = data.get("coverage") or []
        # A changed governorate or district is the project's one place (the
        # service derives the coverage from it); else a changed coverage wins.
        one_place = {"governorate", "district"} & set(self.changed_data)
        if one_place or not {"coverage", "national"} & set(self.changed_data):
            data.pop("coverage", None)
            return data
        try:
            places = coverage_checked(places, national=bool(data.get("national")))
        except ValidationError as error:
            self.add_error("coverage", error.message_dict["coverage"])
            return data
        # The one place, derived as the service will: the model's checks then
        # see the project as it will be stored.
        coverage_derive(self.instance, places)
        data["governorate"], data["district"] = self.instance.governorate, self.instance.district
        data["coverage"] = places
        return data


@admin.register(ProjectPlace)
class ProjectPlaceAdmin(admin.ModelAdmin):
    """The places projects cover, to look up; written through a project's
    "places covered" (``ProjectAdminForm``), so that its one place follows."""

    list_display = ["project", "governorate", "district"]
    list_select_related = ["project", "governorate", "district"]
    search_fields = ["project__code", "governorate__name_iom", "district__name_en"]
    ordering = ["project__code"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("governorate__boundary", "district__boundary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
