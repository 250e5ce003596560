"""A project's coverage on a form: the places it covers typed as names or
P-codes, one per line or comma-separated ("Kirkuk, Al-Mosul"), or none for a
national project (``programmes/services_coverage.py``). The admin's project
form and the managers' project page (``dashboards/forms.py``) both use it."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from programmes.models import Project
from programmes.places import DISTRICT, GOVERNORATE, place_index, place_resolve
from programmes.services_coverage import (
    coverage_checked,
    coverage_derive,
    project_coverage,
)


class ProjectCoverageForm(forms.ModelForm):
    """A project's ``national``, ``governorate`` and ``district`` with its
    places covered (``coverage``: a list of places once cleaned, absent when
    the one place changed or nothing did)."""

    coverage = forms.CharField(
        label=_("Places covered"),
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
        # A client that sends no coverage at all (an older page, a script)
        # leaves it as it is.
        sent = self.add_prefix("coverage") in self.data
        if one_place or not sent or not {"coverage", "national"} & set(self.changed_data):
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
