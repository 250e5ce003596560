"""The mission overview without data. Apart from ``test_pages``, whose every
test reads the portfolio, built once for the module
(``helpers._portfolio_for_module``)."""

from __future__ import annotations

import pytest

from tests.factories import user_with_role
from tests.indicators.dashboards.helpers import MISSION, login

pytestmark = pytest.mark.django_db


def test_an_empty_mission_says_what_to_do(client):
    response = login(client, user_with_role("admin")).get(MISSION)
    assert response.status_code == 200
    assert "No figures for this selection yet" in response.content.decode()
