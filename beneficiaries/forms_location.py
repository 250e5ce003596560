"""The visit form's location: four hidden fields the "Add my location" button
fills in (``static/js/visit_form.js``) once the monitor agrees."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.services.location import MAX_ACCURACY_M, LocationFix

PREFIX = "location"


class LocationForm(forms.Form):
    """All four fields or none: a position without its accuracy is not kept."""

    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    accuracy_m = forms.FloatField(
        required=False, min_value=0, max_value=MAX_ACCURACY_M, widget=forms.HiddenInput
    )
    captured_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        given = [data.get(name) is not None for name in self.fields]
        if any(given) and not all(given):
            raise forms.ValidationError(
                _("The phone's location came incomplete: press “Add my location” again.")
            )
        return data

    def fix(self) -> LocationFix | None:
        """The position given, or None when the monitor gave none."""
        data = self.cleaned_data
        if data.get("latitude") is None:
            return None
        return LocationFix(
            latitude=data["latitude"],
            longitude=data["longitude"],
            accuracy_m=data["accuracy_m"],
            captured_at=data["captured_at"],
        )
