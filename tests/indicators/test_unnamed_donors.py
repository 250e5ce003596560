"""The mission dashboard's donor shares: unnamed or grouped donors are one
slice without a name, in US$ with the named donors'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.engine import recompute_full
from programmes import services
from tests.factories import DonorFactory, UserFactory, user_with_role
from tests.indicators.dashboards.helpers import (  # noqa: F401 (the portfolio fixtures)
    MISSION,
    _portfolio_for_module,
    login,
    page_json,
    portfolio,
)

pytestmark = pytest.mark.django_db


def test_unnamed_donors_are_one_slice_without_a_name_on_the_dashboard(client, portfolio):  # noqa: F811
    for name, amount in (("Other donors", "60000"), ("Anonymous", "40000")):
        services.contribution_create(
            user=UserFactory(),
            fields={
                "donor": DonorFactory(name=name, named=False),
                "programme": portfolio["crp"],
                "amount": Decimal(amount),
                "date": dt.date(2018, 1, 10),
                "period_start": dt.date(2018, 1, 1),
                "period_end": dt.date(2018, 12, 31),
            },
        )
    recompute_full()
    response = login(client, user_with_role("admin")).get(MISSION)
    donut = {c["name"]: c for c in page_json(response)["contributions"]}
    assert set(donut) == {"USA", "Canada", ""}
    assert donut[""]["display"] == "US$ 100,000"
    assert donut["USA"]["share"] == pytest.approx(700_000 / 1_100_000 * 100)
