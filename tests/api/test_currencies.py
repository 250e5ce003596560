"""Exchange rates and contributions in a donor's currency over the API:
administrators keep the rates; a contribution is written as given and read
with its currency, its amount and the US$ amount at the rate of its date."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

RATE = {"currency": "CAD", "valid_from": "2018-01-01", "usd_per_unit": "0.78"}
GIVEN = {
    "donor": "CAN",
    "programme": "RRP",
    "currency": "CAD",
    "amount": "100000",
    "date": "2018-05-01",
    "period_start": "2018-05-01",
    "period_end": "2018-12-31",
}


@pytest.mark.parametrize("who", ["maria", "alice", "dora"])
def test_only_administrators_keep_exchange_rates(world, api, who):
    response = api(world[who]).post("/api/v1/exchange-rates/", RATE, format="json")
    assert response.status_code == 403
    assert (
        api(world["admin"]).post("/api/v1/exchange-rates/", RATE, format="json").status_code == 201
    )
    listed = api(world[who]).get("/api/v1/exchange-rates/").json()
    assert [r["currency"] for r in listed["results"]] == ["CAD"]


def test_a_contribution_in_its_currency_reads_back_with_its_us_dollars(world, api):
    admin = api(world["admin"])
    refused = admin.post("/api/v1/contributions/", GIVEN, format="json")
    assert refused.status_code == 400
    assert "CAD" in str(refused.json()["currency"]) and "2018-05-01" in str(refused.json())

    assert admin.post("/api/v1/exchange-rates/", RATE, format="json").status_code == 201
    created = admin.post("/api/v1/contributions/", GIVEN, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["currency"], body["amount"]) == ("CAD", "100000.00")
    assert (body["usd_rate"], body["amount_usd"]) == ("0.78000000", "78000.00")

    # The donor reads their contribution in their own currency too.
    mine = api(world["carl"]).get(f"/api/v1/contributions/{body['id']}/").json()
    assert (mine["currency"], mine["amount"], mine["amount_usd"]) == (
        "CAD",
        "100000.00",
        "78000.00",
    )
    csv = api(world["carl"]).get("/api/v1/contributions/?format=csv").content.decode()
    assert "#currency" in csv and "CAD" in csv

    # A change of the amount is priced again at the rate of its date.
    changed = admin.patch(
        f"/api/v1/contributions/{body['id']}/", {"amount": "50000"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["amount_usd"] == "39000.00"
