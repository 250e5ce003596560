"""Indicator definitions and values over the API (read only).

**Which values a user reads.** The value table holds one row per
definition, period and cut (governorate, programme, donor; NULL = "all").
A user reads the cells the dashboards read for them
(``indicators.access.values_for_user``): an administrator the "all"
cell, a donor their organisation's, a monitor their governorates', a manager
their programmes' and their governorates' outside those programmes. The rows
returned are disjoint cells whose values add up: a figure is the sum of the
``value`` of the rows listed (one row for an administrator or a donor).

The ``governorate``, ``programme`` and ``donor`` filters narrow those cells
to one governorate, programme or donor, as the dashboards' filters do (a
filter outside the user's scope gives no rows, never more); ``by`` lists the
"all" cells of one dimension by its values instead (the dashboards' map is
``by=governorate``).

**Small counts.** For a donor, a count from 1 to 4 is not shown: ``value``
is null and ``suppressed`` true (the dashboards show "<5"). Within each split
(sex, age group, population group), a category from 1 to 4 is null too, and
when only one is, the smallest other one as well, so that the value minus
the others does not give it away; ``suppressed_fields`` names every field
hidden. In a list ``by`` a dimension, when one row of a definition and period
is hidden, the smallest other one is too (as on the dashboards' map). US$
figures are never hidden.
"""

from __future__ import annotations

import django_filters
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers

from api.base import ApiViewSet, Role
from api.list_cache import kept_list
from exports import hxl
from indicators.models import (
    NOT_RECORDED_FIELDS,
    SPLIT_COLUMNS,
    SPLIT_FIELDS,
    IndicatorDefinition,
    IndicatorValue,
)
from indicators.selectors import small_count_hidden, small_counts_hidden, values_in_cells
from programmes.access import user_role
from programmes.models import Donor, Governorate, Programme

BY_CHOICES = [
    ("governorate", _("governorate")),
    ("programme", _("programme")),
    ("donor", _("donor")),
]
SPLIT_FILTERS = ("sex", "age_group", "population_group")


# --- Serializers --------------------------------------------------------------


@extend_schema_field({"type": "integer", "nullable": True, "minimum": 0})
class SplitField(serializers.IntegerField):
    pass


def _complements(queryset: QuerySet[IndicatorValue], rows: list[IndicatorValue]) -> set[int]:
    """The rows (ids) a donor does not see so that a hidden small count cannot
    be worked out from the others of its group: in each (definition, period)
    of a list ``by`` a dimension, when exactly one row is a small count, the
    smallest other positive row too (as the dashboards' map does). One query."""
    keys = {(row.definition_id, row.period_type, row.period_end) for row in rows}
    if not keys:
        return set()
    groups: dict[tuple, list[tuple]] = {}
    for pk, definition_id, period_type, period_end, value, measure in queryset.filter(
        definition_id__in={key[0] for key in keys},
        period_type__in={key[1] for key in keys},
        period_end__in={key[2] for key in keys},
    ).values_list(
        "pk", "definition_id", "period_type", "period_end", "value", "definition__measure"
    ):
        key = (definition_id, period_type, period_end)
        if key in keys and measure != IndicatorDefinition.Measure.USD:
            groups.setdefault(key, []).append((value, pk))
    hidden = set()
    for members in groups.values():
        hidden |= small_counts_hidden({pk: value for value, pk in members})
    return hidden


def _hidden_fields(row: IndicatorValue) -> set[str]:
    """The fields a donor does not see (see the module docstring)."""
    if row.definition_measure == IndicatorDefinition.Measure.USD:
        return set()
    hidden = {"value"} if small_count_hidden(row.value) else set()
    for dimension, columns in SPLIT_COLUMNS.items():
        # The categories and "not recorded" add up to the value: one group.
        counts = {column: getattr(row, column) for column in columns.values()}
        counts[NOT_RECORDED_FIELDS[dimension]] = row.not_recorded(dimension)
        hidden |= small_counts_hidden(counts)
    return hidden


class ValueSerializer(serializers.ModelSerializer):
    definition = serializers.CharField(source="definition_code", read_only=True)
    governorate = serializers.CharField(
        source="governorate_pcode",
        read_only=True,
        allow_null=True,
        help_text=_("P-code; null: all governorates."),
    )
    programme = serializers.CharField(
        source="programme_code", read_only=True, allow_null=True, help_text=_("Null: all.")
    )
    donor = serializers.CharField(
        source="donor_code", read_only=True, allow_null=True, help_text=_("Null: all.")
    )
    value = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Null when suppressed (a count from 1 to 4 shown to a donor as “<5”)."),
    )
    suppressed = serializers.SerializerMethodField(
        help_text=_("True when ``value`` is hidden as a small count (“<5”).")
    )
    suppressed_fields = serializers.SerializerMethodField(
        help_text=_("The fields hidden as small counts (null in this row).")
    )
    sex_not_recorded = serializers.SerializerMethodField(
        help_text=_("The people of the value whose sex was not recorded; null without splits.")
    )
    age_not_recorded = serializers.SerializerMethodField(
        help_text=_("The people of the value whose age was not recorded; null without splits.")
    )
    pop_not_recorded = serializers.SerializerMethodField(
        help_text=_(
            "The people of the value whose population group was not recorded; null without splits."
        )
    )
    split_value = serializers.SerializerMethodField(
        help_text=_(
            "With ?sex=, ?age_group= or ?population_group=: the count of that category "
            "(its split column); otherwise null."
        )
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "definition",
            "period_type",
            "period_start",
            "period_end",
            "governorate",
            "programme",
            "donor",
            "value",
            "suppressed",
            "suppressed_fields",
            *SPLIT_FIELDS,
            *NOT_RECORDED_FIELDS.values(),
            "split_value",
            "multiplier_value",
            "computed_at",
        ]
        extra_kwargs = {column: {"read_only": True} for column in SPLIT_FIELDS}

    def build_standard_field(self, field_name, model_field):
        if field_name in SPLIT_FIELDS:
            return SplitField, {"allow_null": True, "read_only": True}
        return super().build_standard_field(field_name, model_field)

    def _hidden(self, row) -> set[str]:
        if not self.context.get("protect"):
            return set()
        if not hasattr(row, "_hidden"):
            row._hidden = _hidden_fields(row)
            if row.pk in self.context.get("complements", ()):
                row._hidden.add("value")
        return row._hidden

    def get_suppressed(self, row) -> bool:
        return "value" in self._hidden(row)

    def get_suppressed_fields(self, row) -> list[str]:
        return sorted(self._hidden(row))

    def get_sex_not_recorded(self, row) -> int | None:
        return row.not_recorded("sex")

    def get_age_not_recorded(self, row) -> int | None:
        return row.not_recorded("age_group")

    def get_pop_not_recorded(self, row) -> int | None:
        return row.not_recorded("population_group")

    def get_split_value(self, row) -> int | None:
        column = self.context.get("split_column")
        if not column or column in self._hidden(row):
            return None
        return getattr(row, column)

    def to_representation(self, row):
        data = super().to_representation(row)
        for name in self._hidden(row):
            data[name] = None
        return data


# --- Filters ------------------------------------------------------------------


class DefinitionFilter(django_filters.FilterSet):
    class Meta:
        model = IndicatorDefinition
        fields = ["code", "source", "measure", "accumulation", "is_active"]


class ValueFilter(django_filters.FilterSet):
    definition = django_filters.ModelChoiceFilter(
        queryset=IndicatorDefinition.objects.all(),
        to_field_name="code",
        help_text=_("A definition code, e.g. people-reached."),
    )
    period_type = django_filters.ChoiceFilter(choices=IndicatorValue.PeriodType.choices)
    period_end_after = django_filters.DateFilter(field_name="period_end", lookup_expr="gte")
    period_end_before = django_filters.DateFilter(field_name="period_end", lookup_expr="lte")
    governorate = django_filters.ModelChoiceFilter(
        queryset=Governorate.objects.defer("boundary"),
        to_field_name="pcode",
        method="narrowed",
        help_text=_("A governorate P-code: the cells of that governorate."),
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(),
        to_field_name="code",
        method="narrowed",
        help_text=_("A programme code: the cells of that programme."),
    )
    donor = django_filters.ModelChoiceFilter(
        queryset=Donor.objects.all(),
        to_field_name="code",
        method="narrowed",
        help_text=_("A donor code: the cells of that donor."),
    )
    by = django_filters.ChoiceFilter(
        choices=BY_CHOICES,
        method="narrowed",
        help_text=_("List the “all” cells of this dimension by its values."),
    )
    sex = django_filters.ChoiceFilter(
        choices=[(code, code) for code in SPLIT_COLUMNS["sex"]],
        method="split",
        help_text=_("Only definitions with splits; split_value is this sex's count."),
    )
    age_group = django_filters.ChoiceFilter(
        choices=[(code, code) for code in SPLIT_COLUMNS["age_group"]],
        method="split",
        help_text=_("Only definitions with splits; split_value is this age group's count."),
    )
    population_group = django_filters.ChoiceFilter(
        choices=[(code, code) for code in SPLIT_COLUMNS["population_group"]],
        method="split",
        help_text=_("Only definitions with splits; split_value is this group's count."),
    )
    as_of = django_filters.DateFilter(
        method="latest",
        help_text=_(
            "Running totals as of this date: per cell, the latest cumulative value on or "
            "before it (values are stored for months with data)."
        ),
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "definition",
            "period_type",
            "period_end_after",
            "period_end_before",
            "governorate",
            "programme",
            "donor",
            "by",
            "sex",
            "age_group",
            "population_group",
            "as_of",
        ]

    def narrowed(self, queryset, name, value):
        return queryset  # applied by the view to the user's cells (values_in_cells)

    def split(self, queryset, name, value):
        return queryset.filter(**{f"{SPLIT_COLUMNS[name][value]}__isnull": False})

    def latest(self, queryset, name, value):
        latest = (
            queryset.filter(period_type=IndicatorValue.PeriodType.CUMULATIVE, period_end__lte=value)
            .order_by("definition_id", "governorate_id", "programme_id", "donor_id", "-period_end")
            .distinct("definition_id", "governorate_id", "programme_id", "donor_id")
            .values("pk")
        )
        return queryset.filter(pk__in=latest)


# --- Views --------------------------------------------------------------------


@extend_schema(
    description=__doc__,
)
class ValueViewSet(mixins.ListModelMixin, ApiViewSet):
    """Indicator values in the user's cells (see the description above)."""

    serializer_class = ValueSerializer
    filterset_class = ValueFilter
    count_under_stamp = True  # written by the engine, whose every run moves the data stamp
    ordering_fields = ["definition_code", "period_end", "value", "governorate_pcode"]
    ordering = ["definition_code", "period_type", "period_end", "governorate_pcode", "id"]
    hxl_tags = hxl.hxl_tags(
        "period_type",
        "period_start",
        "period_end",
        "value",
        "split_value",
        *SPLIT_FIELDS,
        *NOT_RECORDED_FIELDS.values(),
        definition="indicator_code",
        governorate="adm1_code",
        programme="programme_code",
        donor="donor_code",
        multiplier_value="multiplier",
    )

    def _params(self) -> dict:
        form = ValueFilter(self.request.query_params, queryset=IndicatorValue.objects.none())
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        return form.form.cleaned_data

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IndicatorValue.objects.none()
        params = self._params()
        splits = [name for name in SPLIT_FILTERS if params.get(name)]
        if len(splits) > 1:
            raise exceptions.ValidationError(
                {
                    name: [_("Splits are each on their own: filter by one of them at a time.")]
                    for name in splits
                }
            )
        return values_in_cells(
            self.request.user,
            governorate=params.get("governorate"),
            programme=params.get("programme"),
            donor=params.get("donor"),
            by=params.get("by") or None,
        ).annotate(
            definition_code=F("definition__code"),
            definition_measure=F("definition__measure"),
            governorate_pcode=F("governorate__pcode"),
            programme_code=F("programme__code"),
            donor_code=F("donor__code"),
        )

    def list(self, request, *args, **kwargs):
        # Values are written by the engine only, whose every run moves the stamp.
        return kept_list(self, request, lambda: self._list_page(request))

    def _list_page(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if user_role(request.user) == Role.DONOR and request.query_params.get("by"):
            self._complements = _complements(queryset, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["protect"] = user_role(self.request.user) == Role.DONOR
        context["complements"] = getattr(self, "_complements", set())
        for name in SPLIT_FILTERS:
            code = self.request.query_params.get(name)
            if code in SPLIT_COLUMNS[name]:
                context["split_column"] = SPLIT_COLUMNS[name][code]
        return context


ROUTES = [
    ("indicator-values", ValueViewSet, "indicator-value"),
]
