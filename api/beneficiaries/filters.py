"""The filters every field-data list shares: review status, and the
governorate and programme of the record's project (by P-code and code)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import ReviewStatus
from programmes.models import District, Donor, Governorate, Programme

# What a list of visits or records joins to show each one's place, without
# the boundaries.
PLACE_RELATED = ("subdistrict", "district", "governorate")
PLACE_DEFER = tuple(
    f"{level}__{column}" for level in PLACE_RELATED for column in ("boundary", "aliases")
)


class ProjectRecordFilter(django_filters.FilterSet):
    """Base of the visit, assistance and feedback filters (their ``Meta``
    names the model and the fields each one offers)."""

    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices)
    governorate = django_filters.ModelChoiceFilter(
        field_name="project__governorate",
        queryset=Governorate.objects.defer("boundary"),
        to_field_name="pcode",
        help_text=_("A governorate P-code, e.g. IQG13."),
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="project__programme",
        queryset=Programme.objects.all(),
        to_field_name="code",
        help_text=_("A programme code."),
    )
    donor = django_filters.ModelChoiceFilter(
        field_name="project__donor",
        queryset=Donor.objects.all(),
        to_field_name="code",
        help_text=_("A donor code."),
    )


class PlacedRecordFilter(ProjectRecordFilter):
    """Visits and assistance records: by their own place (a national
    project's land in the governorate where each was made), not the project's."""

    governorate = django_filters.ModelChoiceFilter(
        field_name="governorate",
        queryset=Governorate.objects.defer("boundary"),
        to_field_name="pcode",
        help_text=_("A governorate P-code, e.g. IQG13: where the visit or delivery was."),
    )
    district = django_filters.ModelChoiceFilter(
        field_name="district",
        queryset=District.objects.defer("boundary"),
        to_field_name="pcode",
        help_text=_("A district P-code, e.g. IQG15Q05: where the visit or delivery was."),
    )
