"""Contributions as donors give them: in their own currency, priced in US$
at the exchange rate in force on their date, with a clear refusal when there
is none; the donor's own currency and amount stay readable beside the US$
figure that the funding figures sum."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes import services
from programmes.models import Contribution, ExchangeRate
from tests.factories import DonorFactory, ProgrammeFactory, UserFactory
from tests.indicators.conftest import define, value

pytestmark = pytest.mark.django_db


def given(programme, donor, *, currency, amount, day) -> dict:
    return {
        "donor": donor,
        "programme": programme,
        "currency": currency,
        "amount": Decimal(amount),
        "date": day,
        "period_start": day,
        "period_end": day + dt.timedelta(days=364),
    }


@pytest.fixture
def euro_rates():
    ExchangeRate.objects.create(
        currency="EUR", valid_from=dt.date(2018, 1, 1), usd_per_unit=Decimal("1.2")
    )
    ExchangeRate.objects.create(
        currency="EUR", valid_from=dt.date(2018, 6, 1), usd_per_unit=Decimal("1.15")
    )


def test_a_contribution_is_priced_at_the_rate_in_force_on_its_date(
    euro_rates, eager_tasks, django_capture_on_commit_callbacks
):
    define("contributions-usd", source="contributions", measure="usd")
    officer, programme, donor = UserFactory(), ProgrammeFactory(), DonorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        may = services.contribution_create(
            user=officer,
            fields=given(programme, donor, currency="EUR", amount="1000", day=dt.date(2018, 5, 31)),
        )
        june = services.contribution_create(
            user=officer,
            fields=given(programme, donor, currency="EUR", amount="1000", day=dt.date(2018, 6, 1)),
        )
    assert (may.usd_rate, may.amount_usd) == (Decimal("1.2"), Decimal("1200.00"))
    assert (june.usd_rate, june.amount_usd) == (Decimal("1.15"), Decimal("1150.00"))
    # The donor's own figure is kept; the funding figures sum the US$ amounts.
    assert Contribution.objects.get(pk=may.pk).amount == Decimal("1000.00")
    assert value("contributions-usd", programme=programme) == 2350

    # Moved to a day under the other rate, it is priced again.
    with django_capture_on_commit_callbacks(execute=True):
        services.contribution_update(
            contribution=may, user=officer, fields={"date": dt.date(2018, 7, 1)}
        )
    assert may.amount_usd == Decimal("1150.00")
    assert value("contributions-usd", programme=programme) == 2300


def test_a_currency_without_a_rate_on_the_date_is_refused_by_name_and_date(euro_rates):
    programme, donor = ProgrammeFactory(), DonorFactory()
    with pytest.raises(ValidationError) as refused:
        services.contribution_create(
            user=UserFactory(),
            fields=given(programme, donor, currency="SEK", amount="500", day=dt.date(2018, 3, 1)),
        )
    assert "SEK" in str(refused.value) and "2018-03-01" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.contribution_create(
            user=UserFactory(),
            fields=given(programme, donor, currency="EUR", amount="500", day=dt.date(2017, 12, 31)),
        )
    assert "EUR" in str(refused.value) and "2017-12-31" in str(refused.value)
    assert not Contribution.objects.exists()


def test_us_dollars_need_no_rate_and_a_bare_us_dollar_amount_is_one():
    programme, donor = ProgrammeFactory(), DonorFactory()
    fields = given(programme, donor, currency="USD", amount="750.50", day=dt.date(2018, 3, 1))
    fields.pop("currency")
    fields["amount_usd"] = fields.pop("amount")
    contribution = services.contribution_create(user=UserFactory(), fields=fields)
    assert (contribution.currency, contribution.amount) == ("USD", Decimal("750.50"))
    assert (contribution.usd_rate, contribution.amount_usd) == (1, Decimal("750.50"))


def test_the_database_refuses_a_us_dollar_amount_off_the_rate():
    programme, donor = ProgrammeFactory(), DonorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(
            **given(programme, donor, currency="EUR", amount="1000", day=dt.date(2018, 3, 1)),
            usd_rate=Decimal("1.2"),
            amount_usd=Decimal("1000"),
        )


def test_a_rate_for_us_dollars_or_a_non_iso_code_is_refused():
    for currency in ("USD", "eur", "EURO"):
        with pytest.raises(ValidationError):
            services.exchange_rate_create(
                user=UserFactory(),
                fields={
                    "currency": currency,
                    "valid_from": dt.date(2018, 1, 1),
                    "usd_per_unit": Decimal("1.1"),
                },
            )
    assert not ExchangeRate.objects.exists()
