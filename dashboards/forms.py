"""The forms of a programme's project and contribution pages. They check
their fields only; the write services (``programmes.services``) check the
rest (the model's rules and constraints) and the view shows what they refuse
by field."""

from __future__ import annotations

import copy

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields

from programmes import services
from programmes.forms_coverage import ProjectCoverageForm
from programmes.l10n import LocalDecimalField
from programmes.models import Contribution, Project

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(ProjectCoverageForm):
    """A project of the programme the page is about (not a field here), with
    the places it covers (``coverage``)."""

    field_order = ["code", "name", "national", "coverage", "governorate", "district"]

    class Meta:
        model = Project
        fields = [
            "code",
            *get_translation_fields("name"),
            "national",
            "governorate",
            "district",
            "location_note",
            "community",
            "sector",
            "kind",
            "status",
            "donor",
            "start_date",
            "end_date",
            "budget_usd",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}
        field_classes = {"budget_usd": LocalDecimalField}
        labels = {"sector": _("Sector")}  # the foreign key has no translated verbose_name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["governorate"].queryset = self.fields["governorate"].queryset.defer("boundary")
        self.fields["district"].queryset = self.fields["district"].queryset.defer("boundary")
        # The name in each language (English required, the others' fallback),
        # each typed in its own direction.
        for code, field in zip(LANGUAGE_CODES, get_translation_fields("name"), strict=True):
            direction = "rtl" if get_language_info(code)["bidi"] else "ltr"
            self.fields[field].widget.attrs.update(lang=code, dir=direction)


class ContributionForm(forms.ModelForm):
    """A contribution to the programme the page is about, as the donor gave
    it; it says which currency has no rate on its date before anything is
    saved (the service sets the US$ rate and amount)."""

    class Meta:
        model = Contribution
        fields = ["donor", "currency", "amount", "date", "period_start", "period_end", "reference"]
        widgets = {"date": DATE, "period_start": DATE, "period_end": DATE}
        field_classes = {"amount": LocalDecimalField}
        labels = {"donor": _("Donor")}  # the foreign key has no translated verbose_name

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            priced = copy.copy(self.instance)
            for name in ("currency", "amount", "date"):
                setattr(priced, name, cleaned.get(name))
            try:
                services.contribution_priced(contribution=priced)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned
