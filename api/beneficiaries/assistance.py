"""Assistance records over the API: what was delivered, to how many people,
split as recorded: by sex, by age group, by population group (the ten split
columns ``sex_f`` ... ``pop_refugee``, null: not recorded; each dimension adds
up to at most ``people``, the rest is ``*_not_recorded``), crossed where known
(the 32 ``recipient_field`` columns, e.g. ``f_18_59_idp``, whose sums a
dimension not given takes), crossed by two dimensions without the third
(``crossings``, e.g. ``{"sex_age": {"f_18_59": 40}}``: a dimension not given
takes its sums too, and what it leaves of the people is not recorded), and
the activity types they are of.

A record is written as a line of a monitoring visit, through
``services.assistance_line_save`` and ``assistance_line_delete``: only the
visit's monitor (or an administrator) while the visit is a draft or returned.
Records are record-level data: donors never see them (their figures are the
indicator values); the beneficiary a record names is never exposed.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, mixins, serializers

from api.base import ApiViewSet, NumbersTyped, Role
from api.beneficiaries.filters import PLACE_DEFER, PLACE_RELATED, PlacedRecordFilter
from beneficiaries import access, services
from beneficiaries.models import (
    HOUSEHOLD_SIZE_MAX,
    HOUSEHOLD_SIZE_MIN,
    RECIPIENT_FIELDS,
    SPLIT_FIELDS,
    SPLITS,
    ActivityType,
    AssistanceRecord,
    SharedReach,
)
from exports import hxl
from programmes.access import user_role

# --- Serializers --------------------------------------------------------------


class WritableVisitField(serializers.PrimaryKeyRelatedField):
    """A visit whose lines the user may write: their own (an administrator:
    any) while draft or returned. Any other id is "does not exist"."""

    def get_queryset(self):
        user = self.context["request"].user
        if user_role(user) not in (Role.MONITOR, Role.ADMIN):
            return access.visits_for_user(user).none()
        visits = access.visits_for_user(user).filter(status__in=access.EDITABLE_STATUSES)
        return visits.select_related("project")


class SharedReachSerializer(serializers.ModelSerializer):
    """What several lines reached together, counted once."""

    class Meta:
        model = SharedReach
        fields = ["id", "households", "people", "household_size", *SPLIT_FIELDS, "crossings"]
        read_only_fields = fields


class AssistanceRecordSerializer(NumbersTyped, serializers.ModelSerializer):
    visit = WritableVisitField(
        help_text=_("The id of the draft or returned visit this line belongs to.")
    )
    project = serializers.CharField(source="project.code", read_only=True)
    governorate = serializers.CharField(
        source="governorate.pcode",
        read_only=True,
        help_text=_("P-code of the governorate where it was delivered (derived from its place)."),
    )
    district = serializers.CharField(
        source="district.pcode", read_only=True, allow_null=True, default=None
    )
    place = serializers.CharField(
        source="place.pcode",
        read_only=True,
        help_text=_(
            "P-code of where it was delivered, the finest known (a line is where its visit is)."
        ),
    )
    programme = serializers.CharField(source="project.programme.code", read_only=True)
    donor = serializers.CharField(source="project.donor.code", read_only=True)
    activity_type = serializers.SlugRelatedField(
        slug_field="code", queryset=ActivityType.objects.all()
    )

    class Meta:
        model = AssistanceRecord
        fields = [
            "id",
            "visit",
            "project",
            "governorate",
            "district",
            "place",
            "programme",
            "donor",
            "activity_type",
            "delivered_on",
            "status",
            "units",
            "households",
            "people",
            "household_size",
            "shared_reach",
            *SPLIT_FIELDS,
            "sex_not_recorded",
            "age_not_recorded",
            "pop_not_recorded",
            *RECIPIENT_FIELDS,
            "crossings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]
        extra_kwargs = {
            "household_size": {"min_value": HOUSEHOLD_SIZE_MIN, "max_value": HOUSEHOLD_SIZE_MAX},
            "delivered_on": {
                "required": False,
                "help_text": _(
                    "The day delivered: by default the visit's day; an earlier day within "
                    "the visit's period (its quarter, up to the visit's day)."
                ),
            },
        }

    shared_reach = SharedReachSerializer(
        source="reach",
        read_only=True,
        allow_null=True,
        help_text=_(
            "The households and people this line reached together with other lines of its "
            "visit, counted once (the line's own are then 0); null for a line of its own. "
            "Shared reaches are given with a visit's lines (POST /visits/, ``reaches``)."
        ),
    )
    sex_not_recorded = serializers.SerializerMethodField(
        help_text=_("The people whose sex was not recorded: people less women and men.")
    )
    age_not_recorded = serializers.SerializerMethodField(
        help_text=_("The people whose age group was not recorded.")
    )
    pop_not_recorded = serializers.SerializerMethodField(
        help_text=_("The people whose population group was not recorded.")
    )

    def get_sex_not_recorded(self, record) -> int:
        return record.splits()["sex"]["not_recorded"]

    def get_age_not_recorded(self, record) -> int:
        return record.splits()["age_group"]["not_recorded"]

    def get_pop_not_recorded(self, record) -> int:
        return record.splits()["population_group"]["not_recorded"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | QuerySet):
            fields["visit"].read_only = True  # a line stays on its visit
        return fields

    def _save(self, record: AssistanceRecord | None, data: dict) -> AssistanceRecord:
        def given(name):
            if name in data:
                return data[name]
            return getattr(record, name) if record is not None else None

        if record is not None and record.reach_id and given("delivered_on") != record.delivered_on:
            raise serializers.ValidationError(
                {
                    "delivered_on": [
                        _(
                            "This line shares a reach with other lines of its visit, delivered "
                            "on one day: change their day together, on the visit."
                        )
                    ]
                }
            )
        return services.assistance_line_save(
            visit=record.visit if record is not None else data["visit"],
            user=self.context["request"].user,
            record=record,
            activity_type=given("activity_type"),
            units=given("units") or 0,
            households=given("households") or 0,
            people=given("people") or 0,
            household_size=given("household_size"),
            recipients=self._splits(record, data),
            delivered_on=given("delivered_on"),
            reach=record.reach if record is not None else None,
        )

    @staticmethod
    def _splits(record: AssistanceRecord | None, data: dict) -> dict:
        """Cells and split columns for the service: a dimension with a split
        column given keeps its other columns as they were (a new record: not
        recorded); one with none given keeps the record's, unless cells were
        given, whose sums it then takes (``splits_resolve``). The two-way
        ``crossings`` given replace the record's (null: none recorded), as
        cells do."""
        cells_given = any(column in data for column in RECIPIENT_FIELDS) or "crossings" in data
        values = {
            column: data[column] if column in data else getattr(record, column, 0) or 0
            for column in RECIPIENT_FIELDS
        }
        for columns in SPLITS.values():
            if any(column in data for column in columns.values()) or not cells_given:
                for column in columns.values():
                    values[column] = (
                        data[column] if column in data else getattr(record, column, None)
                    )
        values["crossings"] = data.get("crossings", getattr(record, "crossings", None))
        return values

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


# --- Filters ------------------------------------------------------------------


class AssistanceFilter(PlacedRecordFilter):
    activity_type = django_filters.ModelChoiceFilter(
        queryset=ActivityType.objects.all(), to_field_name="code"
    )
    visit = django_filters.NumberFilter(field_name="visit_id", help_text=_("A visit id."))
    delivered_after = django_filters.DateFilter(field_name="delivered_on", lookup_expr="gte")
    delivered_before = django_filters.DateFilter(field_name="delivered_on", lookup_expr="lte")

    class Meta:
        model = AssistanceRecord
        fields = [
            "status",
            "governorate",
            "district",
            "programme",
            "donor",
            "activity_type",
            "visit",
            "delivered_after",
            "delivered_before",
        ]


# --- Views --------------------------------------------------------------------


class AssistanceRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    """Assistance records (``access.assistance_for_user``). Created, changed and
    deleted as lines of a draft or returned visit by its monitor or an
    administrator; a record imported without a visit is read-only here."""

    serializer_class = AssistanceRecordSerializer
    filterset_class = AssistanceFilter
    ordering_fields = ["delivered_on", "id", "people", "units"]
    ordering = ["-delivered_on", "-id"]
    hxl_tags = hxl.hxl_tags(
        "delivered_on",
        "status",
        "units",
        "households",
        "people",
        *SPLIT_FIELDS,
        "sex_not_recorded",
        "age_not_recorded",
        "pop_not_recorded",
        *RECIPIENT_FIELDS,
        project="project_code",
        governorate="adm1_code",
        programme="programme_code",
        donor="donor_code",
        activity_type="activity_code",
    )

    def get_queryset(self):
        return (
            access.assistance_for_user(self.request.user)
            .select_related(
                "project__governorate",
                "project__programme",
                "project__donor",
                "activity_type",
                "reach",
                *PLACE_RELATED,
            )
            .defer("project__governorate__boundary", "project__governorate__aliases", *PLACE_DEFER)
        )

    def get_object(self):
        record = super().get_object()
        if self.action in ("update", "partial_update", "destroy"):
            if not access.record_can_write(self.request.user, record):
                raise exceptions.PermissionDenied(
                    _("Only the visit's monitor changes its assistance lines.")
                )
        return record

    def create(self, request, *args, **kwargs):
        if user_role(request.user) not in (Role.MONITOR, Role.ADMIN):
            raise exceptions.PermissionDenied(_("Only field staff record assistance."))
        return super().create(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.assistance_line_delete(
            visit=instance.visit, user=self.request.user, record=instance
        )
