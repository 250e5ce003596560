"""Referrals over the API: read within the visits one may see, closed by a
manager of the visit's scope with a date the service accepts."""

from __future__ import annotations

import datetime as dt

import pytest

from beneficiaries.models import Referral
from tests.api.conftest import USERS

pytestmark = pytest.mark.django_db

SEES_KIRKUK = {"admin", "maria", "alice"}  # the Kirkuk visit: not its donor, not Basra's side


@pytest.fixture
def referral(world):
    return Referral.objects.create(
        visit=world["visit_krk"], issue="Oven broken", referred_to="Directorate of Trade"
    )


@pytest.mark.parametrize("who", [*USERS, "anonymous"])
def test_list_and_detail_follow_the_visits_scope(api, world, referral, who):
    client = api(None if who == "anonymous" else world[who])
    listed = client.get("/api/v1/referrals/")
    detail = client.get(f"/api/v1/referrals/{referral.pk}/")
    if who == "anonymous":
        assert (listed.status_code, detail.status_code) == (401, 401)
        return
    ids = [row["id"] for row in listed.json()["results"]]
    if who in SEES_KIRKUK:
        assert ids == [referral.pk]
        body = detail.json()
        assert (body["issue"], body["governorate"], body["closed_on"]) == (
            "Oven broken",
            "IQG13",
            None,
        )
    else:
        assert ids == [] and detail.status_code == 404


@pytest.mark.parametrize("who", ["alice", "mark", "dora"])
def test_only_a_manager_in_scope_closes(api, world, referral, who):
    response = api(world[who]).post(
        f"/api/v1/referrals/{referral.pk}/close/", {"closed_on": "2018-04-01"}, format="json"
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.closed_on is None


def test_the_manager_closes_once_with_a_sensible_date(api, world, referral):
    client = api(world["maria"])
    url = f"/api/v1/referrals/{referral.pk}/close/"
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = client.post(url, {"closed_on": future}, format="json")
    assert response.status_code == 400 and "closed_on" in response.json()
    assert client.post(url, {"closed_on": "soon"}, format="json").status_code == 400

    response = client.post(url, {"closed_on": "2018-04-01"}, format="json")
    assert response.status_code == 200
    assert response.json()["closed_on"] == "2018-04-01"
    assert referral.history.latest().history_user == world["maria"]

    again = client.post(url, {"closed_on": "2018-04-02"}, format="json")
    assert again.status_code == 400
    open_ = client.get("/api/v1/referrals/?open=true").json()["results"]
    assert open_ == []
