"""Where a contribution counts: one to a programme in that programme's
figures; one to a portfolio in the portfolio's (a snapshot of exactly its
programmes) and the mission's; an unearmarked one in the mission's only.
Donor shares are in US$ whatever the currency given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError

from indicators.engine import recompute_full
from programmes import services
from programmes.models import Contribution, ExchangeRate
from snapshots.cover import cover_figures
from snapshots.selectors import snapshot_payload_build
from tests.factories import DonorFactory, UserFactory, user_with_role
from tests.indicators.dashboards.helpers import MISSION, login, page_json, programme_url
from tests.snapshots.conftest import Q1

pytestmark = pytest.mark.django_db


def give(donor, *, currency="USD", amount: str, **to) -> Contribution:
    return services.contribution_create(
        user=UserFactory(),
        fields={
            "donor": donor,
            "currency": currency,
            "amount": Decimal(amount),
            "date": dt.date(2018, 1, 15),
            "period_start": dt.date(2018, 1, 1),
            "period_end": dt.date(2018, 12, 31),
            **to,
        },
    )


@pytest.fixture
def earmarks(world):
    """Beside RRP's USA (750,000) and Canada (250,000): Japan gives EUR
    100,000 (US$ 120,000 at 1.2) to the portfolio RRP + CRP, Germany
    US$ 80,000 unearmarked, and Sweden US$ 40,000 to a portfolio of RRP
    and a third programme."""
    ExchangeRate.objects.create(
        currency="EUR", valid_from=dt.date(2018, 1, 1), usd_per_unit=Decimal("1.2")
    )
    admin = UserFactory()
    both = services.portfolio_create(
        user=admin,
        fields={"code": "RRP+CRP", "name": "Recovery"},
        programmes=[world.programme, world.other],
    )
    from tests.factories import ProgrammeFactory

    wider = services.portfolio_create(
        user=admin,
        fields={"code": "WIDE", "name": "Wide"},
        programmes=[world.programme, ProgrammeFactory(code="3RP")],
    )
    give(DonorFactory(name="Japan"), currency="EUR", amount="100000", portfolio=both)
    give(DonorFactory(name="Germany"), amount="80000")
    give(DonorFactory(name="Sweden"), amount="40000", portfolio=wider)
    recompute_full()
    return world


def shares(contributions: dict) -> dict[str, float]:
    return {d["name"]: d["usd"] for d in contributions["donors"]}


def test_a_programmes_snapshot_counts_only_its_own_contributions(earmarks):
    payload = snapshot_payload_build(programmes=[earmarks.programme], period_end=Q1, as_of=Q1)
    assert shares(payload["contributions"]) == {"USA": 750000.0, "Canada": 250000.0}
    assert payload["contributions"]["total_usd"] == 1_000_000.0


def test_a_portfolios_snapshot_counts_the_contributions_to_it_in_usd(earmarks):
    programmes = [earmarks.programme, earmarks.other]
    payload = snapshot_payload_build(programmes=programmes, period_end=Q1, as_of=Q1)
    assert shares(payload["contributions"]) == {
        "USA": 750000.0,
        "Canada": 250000.0,
        "Japan": 120000.0,
    }
    assert payload["contributions"]["donors"][2]["share"] == pytest.approx(10.71, abs=0.01)
    # The document's cover shows the same slices.
    cover = cover_figures(programmes=tuple(p.pk for p in programmes), as_of=Q1)
    assert shares(cover["contributions"]) == shares(payload["contributions"])


def test_a_contribution_to_a_portfolio_counts_before_its_date_nowhere(earmarks):
    programmes = [earmarks.programme, earmarks.other]
    before = dt.date(2018, 1, 14)
    cover = cover_figures(programmes=tuple(p.pk for p in programmes), as_of=before)
    assert "Japan" not in shares(cover["contributions"])


def test_the_mission_counts_every_contribution_and_a_programme_only_its_own(client, earmarks):
    admin = login(client, user_with_role("admin"))
    donut = {c["name"]: c["value"] for c in page_json(admin.get(MISSION))["contributions"]}
    assert donut == {
        "USA": 750000.0,
        "Canada": 250000.0,
        "Japan": 120000.0,
        "Germany": 80000.0,
        "Sweden": 40000.0,
    }
    response = admin.get(programme_url("RRP"))
    donut = {c["name"] for c in page_json(response)["contributions"]}
    assert donut == {"USA", "Canada"}


def test_a_contribution_goes_to_a_programme_or_a_portfolio_not_both(earmarks):
    portfolio = earmarks.programme.portfolios.first()
    with pytest.raises(IntegrityError):
        Contribution.objects.create(
            donor=earmarks.usa,
            programme=earmarks.programme,
            portfolio=portfolio,
            amount=Decimal(1),
            amount_usd=Decimal(1),
            date=dt.date(2018, 1, 1),
            period_start=dt.date(2018, 1, 1),
            period_end=dt.date(2018, 1, 1),
        )


def test_a_donor_sees_what_they_gave_to_no_single_programme_as_its_own_slice(client, earmarks):
    give(earmarks.usa, amount="50000")  # unearmarked
    recompute_full()
    dora = login(client, user_with_role("donor", donor=earmarks.usa))
    donut = {c["name"]: c["value"] for c in page_json(dora.get(MISSION))["contributions"]}
    assert donut == {
        "Rapid Recovery Programme": 750000.0,
        "To no single programme (portfolio or unearmarked)": 50000.0,
    }
