"""The admin's place field for visits and assistance records: one place, by
name or P-code, inside the project's coverage; the coarser levels derived
(``beneficiaries/services/places.py``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from beneficiaries import services
from programmes.places import place_resolve


class PlacedAdminForm(forms.ModelForm):
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=100,
        help_text=_(
            "A sub-district, district or governorate by name or P-code, inside the project's "
            "coverage. Empty: the project's one place."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        place = self.instance.place if self.instance.pk else None
        if place is not None and place != services.place_default(self.instance.project):
            self.initial["place"] = place.pcode

    def clean(self):
        data = super().clean()
        name = (data.get("place") or "").strip()
        try:
            place = place_resolve(name) if name else None
        except ValidationError as error:
            self.add_error("place", error.messages)
            return data
        project = data.get("project")
        errors = services.place_errors(project=project, place=place)
        for field, message in errors.items():
            self.add_error(field, message)
        if project is not None and not errors:
            services.place_settle(self.instance, project=project, place=place)
        return data
