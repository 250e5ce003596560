"""Unnamed or grouped donors ("Other donors"): their contributions are one
slice without a name in the snapshot's donor shares and on the mission
dashboard, summed in US$ with the named donors' (also those given in
another currency)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.engine import recompute_full
from programmes import services
from programmes.models import ExchangeRate
from snapshots.selectors import snapshot_payload_build
from tests.factories import DonorFactory, UserFactory
from tests.snapshots.conftest import Q1

pytestmark = pytest.mark.django_db


def give(world, donor, currency: str, amount: str) -> None:
    services.contribution_create(
        user=UserFactory(),
        fields={
            "donor": donor,
            "programme": world.programme,
            "currency": currency,
            "amount": Decimal(amount),
            "date": dt.date(2018, 1, 15),
            "period_start": dt.date(2018, 1, 1),
            "period_end": dt.date(2018, 12, 31),
        },
    )


@pytest.fixture
def others(world):
    """Two unnamed donors (US$ 100,000 and EUR 50,000 at 2.0 = US$ 100,000)
    beside the world's USA (750,000) and Canada (250,000)."""
    ExchangeRate.objects.create(
        currency="EUR", valid_from=dt.date(2018, 1, 1), usd_per_unit=Decimal("2")
    )
    give(world, DonorFactory(name="Other donors", named=False), "USD", "100000")
    give(world, DonorFactory(name="Private donors", named=False), "EUR", "50000")
    recompute_full()
    return world


def test_unnamed_donors_are_one_slice_without_a_name_in_the_snapshot(others):
    payload = snapshot_payload_build(programmes=[others.programme], period_end=Q1, as_of=Q1)
    contributions = payload["contributions"]
    assert contributions["total_usd"] == 1_200_000.0
    assert contributions["donors"] == [
        {"name": "USA", "usd": 750000.0, "share": 62.5},
        {"name": "Canada", "usd": 250000.0, "share": 20.83},
        {"name": "", "usd": 200000.0, "share": 16.67},
    ]
