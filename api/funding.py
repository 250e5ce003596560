"""Funding over the API: portfolios, contributions and exchange rates.

Contributions are read as ``programmes.access.contributions_for_user`` gives
them, and written through ``programmes.services`` by administrators and, for
the programmes they manage (and portfolios of only those), by managers
(``ScopedWrites``). A contribution goes to a programme, to a portfolio, or is
unearmarked (neither); it is entered as the donor gave it, in its currency,
and priced in US$ at the rate in force on its date. Exchange rates are
reference data every role reads and administrators write. Portfolios are
written in the admin.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers

from api.base import (
    AdminWritesViewSet,
    ApiViewSet,
    LocalDecimalField,
    ModelChecked,
    ScopedWritesViewSet,
    translated,
    validate_with_model,
)
from api.plumbing import django_errors
from exports import hxl
from programmes import services
from programmes.access import (
    contributions_for_user,
    contributions_writable_by,
    portfolios_for_user,
)
from programmes.models import Contribution, Donor, ExchangeRate, Portfolio, Programme


class PortfolioSerializer(serializers.ModelSerializer):
    programmes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Portfolio
        fields = ["id", "code", "name", *translated("name"), "programmes"]


class ContributionSerializer(ModelChecked):
    """A contribution as the donor gave it (``amount`` in ``currency``); the
    US$ rate and amount are set from the rate in force on its date and are
    read-only. A bare ``amount_usd`` on a write is read as a US$ amount. It
    goes to a programme, to a portfolio, or (neither) is unearmarked."""

    donor = serializers.SlugRelatedField(slug_field="code", queryset=Donor.objects.all())
    programme = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Programme.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A programme code; none for a contribution to a portfolio or unearmarked."),
    )
    portfolio = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Portfolio.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A portfolio code, instead of a programme."),
    )
    amount = LocalDecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    amount_usd = LocalDecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text=_("Read: the US$ amount. Write: only instead of amount, for a US$ amount."),
    )

    class Meta:
        model = Contribution
        fields = [
            "id",
            "donor",
            "programme",
            "portfolio",
            "currency",
            "amount",
            "usd_rate",
            "amount_usd",
            "date",
            "period_start",
            "period_end",
            "reference",
        ]
        read_only_fields = ["usd_rate"]

    def validate(self, attrs):
        attrs = serializers.ModelSerializer.validate(self, attrs)
        given = services.contribution_fields_as_given(attrs)
        if "amount" not in given and self.instance is None:
            raise serializers.ValidationError({"amount": [_("This field is required.")]})
        instance = Contribution() if self.instance is None else copy.copy(self.instance)
        for name, value in given.items():
            setattr(instance, name, value)
        try:
            services.contribution_priced(contribution=instance)
        except DjangoValidationError as error:
            raise serializers.ValidationError(django_errors(error)) from None
        priced = {"usd_rate": instance.usd_rate, "amount_usd": instance.amount_usd}
        validate_with_model(self, {**given, **priced})
        return given


class ExchangeRateSerializer(ModelChecked):
    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "valid_from", "usd_per_unit"]
        extra_kwargs = {"usd_per_unit": {"min_value": Decimal("0.00000001")}}


class ContributionFilter(django_filters.FilterSet):
    donor = django_filters.ModelChoiceFilter(
        queryset=Donor.objects.all(), to_field_name="code", help_text=_("A donor code.")
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(), to_field_name="code", help_text=_("A programme code.")
    )
    portfolio = django_filters.ModelChoiceFilter(
        queryset=Portfolio.objects.all(), to_field_name="code", help_text=_("A portfolio code.")
    )
    unearmarked = django_filters.BooleanFilter(
        method="filter_unearmarked",
        help_text=_("true: only those to no programme nor portfolio; false: only the others."),
    )
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Contribution
        fields = ["donor", "programme", "portfolio", "unearmarked", "date_after", "date_before"]

    def filter_unearmarked(self, queryset, name, value):
        earmarked = Q(programme__isnull=False) | Q(portfolio__isnull=False)
        return queryset.exclude(earmarked) if value else queryset.filter(earmarked)


class PortfolioViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Programmes reported together, which a contribution can go to as a
    whole (``portfolios_for_user``). Written in the admin."""

    serializer_class = PortfolioSerializer
    filterset_fields = ["code"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]

    def get_queryset(self):
        return portfolios_for_user(self.request.user).prefetch_related("programmes")


class ContributionViewSet(mixins.DestroyModelMixin, ScopedWritesViewSet):
    """Money from a donor to a programme, a portfolio or unearmarked
    (``contributions_for_user``). Administrators write any; a manager those
    to the programmes they manage and to portfolios of only those. A change
    or a deletion recomputes what the contribution counted in."""

    serializer_class = ContributionSerializer
    create_service = services.contribution_create
    update_service = services.contribution_update
    instance_name = "contribution"
    filterset_class = ContributionFilter
    ordering_fields = ["date", "amount_usd", "id"]
    ordering = ["-date", "-id"]
    hxl_tags = hxl.hxl_tags(
        "amount_usd",
        "currency",
        "amount",
        donor="donor_code",
        programme="programme_code",
        portfolio="portfolio_code",
        date="contribution_date",
    )

    def get_queryset(self):
        return contributions_for_user(self.request.user).select_related(
            "donor", "programme", "portfolio"
        )

    def writable(self, user):
        return contributions_writable_by(user)

    def perform_destroy(self, instance):
        services.contribution_delete(contribution=instance, user=self.request.user)


class ExchangeRateViewSet(mixins.DestroyModelMixin, AdminWritesViewSet):
    """US$ per unit of a currency from a date on: they price the contributions
    entered or edited after them (stored contributions keep their rate)."""

    queryset = ExchangeRate.objects.all()
    serializer_class = ExchangeRateSerializer
    create_service = services.exchange_rate_create
    update_service = services.exchange_rate_update
    instance_name = "exchange_rate"
    filterset_fields = ["currency"]
    ordering_fields = ["currency", "valid_from"]
    ordering = ["currency", "-valid_from"]

    def perform_destroy(self, instance):
        services.exchange_rate_delete(exchange_rate=instance, user=self.request.user)


ROUTES = [
    ("portfolios", PortfolioViewSet, "portfolio"),
    ("contributions", ContributionViewSet, "contribution"),
    ("exchange-rates", ExchangeRateViewSet, "exchange-rate"),
]
