"""Over the API, an assistance line may carry its own date within its
visit's period; by default, the visit's day."""

from __future__ import annotations

import pytest

from tests.api.conftest import DAY, visit_with_line
from tests.api.test_writes import line

pytestmark = pytest.mark.django_db
URL = "/api/v1/assistance-records/"


def test_a_line_is_dated_the_visits_day_or_its_own(world, api):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    client = api(world["alice"])
    response = client.post(URL, line(world, draft), format="json")
    assert response.status_code == 201 and response.json()["delivered_on"] == DAY.isoformat()
    response = client.post(URL, line(world, draft, delivered_on="2018-02-03"), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["delivered_on"] == "2018-02-03"
    # A change that does not name the date keeps it.
    response = client.patch(f"{URL}{created['id']}/", {"people": 7}, format="json")
    assert response.json()["delivered_on"] == "2018-02-03"


def test_a_line_dated_after_its_visit_is_a_400_on_its_date(world, api):
    draft = visit_with_line(world, monitor="alice", project=world["krk"], status="draft")
    response = api(world["alice"]).post(
        URL, line(world, draft, delivered_on="2018-03-09"), format="json"
    )
    assert response.status_code == 400
    assert "within the visit's period" in response.json()["delivered_on"][0]
