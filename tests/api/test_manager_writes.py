"""Managers enter and edit the projects and contributions of the programmes
they manage through the API; a manager out of scope, a monitor and a donor
cannot. Contributions can go to a portfolio or be unearmarked."""

from __future__ import annotations

import pytest

from programmes import services
from programmes.models import Contribution, Project

pytestmark = pytest.mark.django_db

PROJECT = {
    "code": "KRK-02",
    "name": "Water network",
    "programme": "CRP",
    "governorate": "IQG13",
    "sector": "livelihoods",
    "kind": "infrastructure",
    "donor": "USA",
    "start_date": "2018-01-01",
    "budget_usd": "250000.00",
}
GIVEN = {
    "donor": "USA",
    "programme": "CRP",
    "amount": "5000",
    "date": "2018-05-01",
    "period_start": "2018-05-01",
    "period_end": "2018-12-31",
}


def test_a_manager_enters_and_edits_a_project_of_their_programme(world, api):
    maria = api(world["maria"])
    created = maria.post("/api/v1/projects/", PROJECT, format="json")
    assert created.status_code == 201, created.content
    project = Project.objects.get(code="KRK-02")
    assert project.history.first().history_user == world["maria"]
    changed = maria.patch(f"/api/v1/projects/{project.pk}/", {"name": "Pipes"}, format="json")
    assert changed.status_code == 200 and changed.json()["name"] == "Pipes"


def test_a_manager_cannot_write_projects_of_another_programme(world, api):
    maria = api(world["maria"])
    refused = maria.post("/api/v1/projects/", {**PROJECT, "programme": "RRP"}, format="json")
    assert refused.status_code == 403
    assert not Project.objects.filter(code="KRK-02").exists()
    # Nor move one of hers into it.
    moved = maria.patch(f"/api/v1/projects/{world['krk'].pk}/", {"programme": "RRP"}, format="json")
    assert moved.status_code == 403
    assert Project.objects.get(pk=world["krk"].pk).programme == world["crp"]
    # Another programme's project is not even found.
    other = maria.patch(f"/api/v1/projects/{world['bsr'].pk}/", {"name": "x"}, format="json")
    assert other.status_code == 404


def test_a_manager_who_sees_a_project_through_a_governorate_cannot_edit_it(world, api):
    world["mark"].profile.governorates.add(world["kirkuk"])
    mark = api(world["mark"])
    url = f"/api/v1/projects/{world['krk'].pk}/"
    assert mark.get(url).status_code == 200
    assert mark.patch(url, {"name": "x"}, format="json").status_code == 403


@pytest.mark.parametrize("who", ["alice", "dora"])
def test_monitors_and_donors_write_no_project_nor_contribution(world, api, who):
    client = api(world[who])
    assert client.post("/api/v1/projects/", PROJECT, format="json").status_code == 403
    assert client.post("/api/v1/contributions/", GIVEN, format="json").status_code == 403
    krk = f"/api/v1/projects/{world['krk'].pk}/"
    assert client.patch(krk, {"name": "x"}, format="json").status_code == 403
    mine = world["contribution_usa"].pk
    status = client.patch(f"/api/v1/contributions/{mine}/", {"amount": "1"}, format="json")
    assert status.status_code == (403 if who == "dora" else 404)
    assert client.delete(f"/api/v1/contributions/{mine}/").status_code in (403, 404)
    assert Contribution.objects.get(pk=mine).amount == 700000


def test_a_manager_enters_edits_and_deletes_contributions_of_their_programme(world, api):
    maria = api(world["maria"])
    created = maria.post("/api/v1/contributions/", GIVEN, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = maria.patch(f"/api/v1/contributions/{pk}/", {"amount": "6000"}, format="json")
    assert changed.status_code == 200 and changed.json()["amount_usd"] == "6000.00"
    assert maria.delete(f"/api/v1/contributions/{pk}/").status_code == 204


def test_a_manager_cannot_write_contributions_of_another_programme(world, api):
    maria = api(world["maria"])
    refused = maria.post("/api/v1/contributions/", {**GIVEN, "programme": "RRP"}, format="json")
    assert refused.status_code == 403
    other = f"/api/v1/contributions/{world['contribution_can'].pk}/"
    assert maria.patch(other, {"amount": "1"}, format="json").status_code == 404
    assert maria.delete(other).status_code == 404
    # Unearmarked money is the administrators'.
    unearmarked = maria.post("/api/v1/contributions/", {**GIVEN, "programme": None}, format="json")
    assert unearmarked.status_code == 403
    assert Contribution.objects.count() == 2


def test_portfolio_and_unearmarked_contributions(world, api):
    both = services.portfolio_create(
        user=world["admin"],
        fields={"code": "RECOVERY", "name": "Recovery"},
        programmes=[world["crp"], world["rrp"]],
    )
    only_crp = services.portfolio_create(
        user=world["admin"], fields={"code": "CRP-ALL", "name": "CRP"}, programmes=[world["crp"]]
    )
    to_both = {**GIVEN, "programme": None, "portfolio": "RECOVERY"}
    # Maria manages CRP only: a portfolio with RRP in it is not hers to fund...
    assert (
        api(world["maria"]).post("/api/v1/contributions/", to_both, format="json").status_code
        == 403
    )
    # ...one of CRP alone is.
    mine = {**GIVEN, "programme": None, "portfolio": "CRP-ALL"}
    created = api(world["maria"]).post("/api/v1/contributions/", mine, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["portfolio"] == "CRP-ALL" and created.json()["programme"] is None

    admin = api(world["admin"])
    assert admin.post("/api/v1/contributions/", to_both, format="json").status_code == 201
    unearmarked = admin.post("/api/v1/contributions/", {**GIVEN, "programme": None}, format="json")
    assert unearmarked.status_code == 201, unearmarked.content
    twice = admin.post("/api/v1/contributions/", {**to_both, "programme": "CRP"}, format="json")
    assert twice.status_code == 400 and "not to both" in str(twice.json())

    listed = admin.get("/api/v1/contributions/?unearmarked=true").json()["results"]
    assert [(c["programme"], c["portfolio"]) for c in listed] == [(None, None)]
    to_portfolio = admin.get("/api/v1/contributions/?portfolio=RECOVERY").json()["results"]
    assert len(to_portfolio) == 1
    # Mark (RRP) sees the contribution to the portfolio holding RRP, not
    # the unearmarked one, nor the one to CRP's own portfolio.
    seen = api(world["mark"]).get("/api/v1/contributions/").json()["results"]
    assert sorted((c["programme"] or "", c["portfolio"] or "") for c in seen) == [
        ("", "RECOVERY"),
        ("RRP", ""),
    ]
    assert [p["code"] for p in api(world["mark"]).get("/api/v1/portfolios/").json()["results"]] == [
        "RECOVERY"
    ]
    assert both.key == "CRP+RRP" and only_crp.key == "CRP"


def test_a_managers_contribution_in_euros_is_priced_at_the_rate_of_its_date(world, api):
    admin, maria = api(world["admin"]), api(world["maria"])
    for day, rate in (("2018-01-01", "1.10"), ("2018-06-01", "1.20")):
        body = {"currency": "EUR", "valid_from": day, "usd_per_unit": rate}
        assert admin.post("/api/v1/exchange-rates/", body, format="json").status_code == 201
    may = maria.post(
        "/api/v1/contributions/", {**GIVEN, "currency": "EUR", "amount": "1000"}, format="json"
    )
    assert may.status_code == 201, may.content
    assert (may.json()["usd_rate"], may.json()["amount_usd"]) == ("1.10000000", "1100.00")
    june = maria.patch(
        f"/api/v1/contributions/{may.json()['id']}/", {"date": "2018-06-15"}, format="json"
    )
    assert june.status_code == 200, june.content
    assert (june.json()["currency"], june.json()["amount"]) == ("EUR", "1000.00")
    assert (june.json()["usd_rate"], june.json()["amount_usd"]) == ("1.20000000", "1200.00")
