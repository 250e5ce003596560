"""Portfolios: programmes reported together, keyed by their codes as a
snapshot series is, written through the portfolio services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from programmes import services
from tests.factories import DonorFactory, ProgrammeFactory, UserFactory
from tests.snapshots.test_contribution_earmarks import give

pytestmark = pytest.mark.django_db


def test_a_portfolio_is_keyed_by_its_programme_codes_and_follows_them():
    user = UserFactory()
    rrp, crp, third = (ProgrammeFactory(code=c) for c in ("RRP", "CRP", "3RP"))
    portfolio = services.portfolio_create(
        user=user, fields={"code": "REC", "name": "Recovery"}, programmes=[rrp, crp]
    )
    assert portfolio.key == "CRP+RRP"
    services.portfolio_update(portfolio=portfolio, user=user, fields={}, programmes=[third, crp])
    portfolio.refresh_from_db()
    assert portfolio.key == "3RP+CRP"
    assert portfolio.history.first().history_user == user
    with pytest.raises(ValidationError) as refused:
        services.portfolio_update(portfolio=portfolio, user=user, fields={}, programmes=[])
    assert "programmes" in refused.value.message_dict


def test_a_portfolio_with_contributions_is_not_deleted():
    portfolio = services.portfolio_create(
        user=UserFactory(), fields={"code": "REC", "name": "R"}, programmes=[ProgrammeFactory()]
    )
    give(DonorFactory(), amount="100", portfolio=portfolio)
    with pytest.raises(ProtectedError):
        services.portfolio_delete(portfolio=portfolio, user=UserFactory())
