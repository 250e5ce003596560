"""Targets over the API: set by managers in scope and administrators, read
with their progress, refused to monitors, donors and other managers."""

from __future__ import annotations

import pytest

from indicators.engine import recompute_full
from indicators.models import Target
from tests.indicators.conftest import define

pytestmark = pytest.mark.django_db

URL = "/api/v1/targets/"


@pytest.fixture
def people(world):
    definition = define("people", source="assistance", measure="people")
    from beneficiaries import services

    services.visit_approve(visit=world["visit_krk"], user=world["maria"])  # 6 people on 1 Mar
    recompute_full()
    return definition


def _body(**fields):
    return {"definition": "people", "programme": "CRP", "period": "2018", "value": "24", **fields}


def test_a_manager_sets_a_target_and_reads_its_progress(world, api, people):
    client = api(world["maria"])
    response = client.post(URL, _body(note="2018 appeal"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["period_start"] == "2018-01-01"
    assert response.json()["period_end"] == "2018-12-31"

    listed = client.get(URL, {"as_of": "2018-03-31"}).json()["results"]
    (row,) = listed
    assert row["progress"]["actual"] == "6.00"
    assert row["progress"]["percent"] == "25.0"
    assert row["progress"]["status"] == "on_track"  # 25% reached, 24.7% gone
    behind = client.get(f"{URL}{row['id']}/", {"as_of": "2018-06-30"}).json()
    assert behind["progress"]["status"] == "behind"

    changed = client.patch(f"{URL}{row['id']}/", {"value": "30"}, format="json")
    assert changed.status_code == 200
    assert [h.value for h in Target.objects.get().history.order_by("history_date")] == [24, 30]
    assert client.delete(f"{URL}{row['id']}/").status_code == 204
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        ("mark", _body(), 403),  # the other programme's manager
        ("alice", _body(), 403),  # a monitor
        ("dora", _body(), 403),  # a donor
        ("maria", _body(programme="RRP"), 403),
        ("maria", _body(programme=None, project="BSR-01"), 403),
        ("maria", _body(programme=None, project="KRK-01", district="Hawija"), 201),
        ("admin", _body(programme="RRP", split="sex=f"), 201),
    ],
)
def test_who_may_set_targets_over_the_api(world, api, people, who, body, status):
    response = api(world[who]).post(URL, body, format="json")
    assert response.status_code == status, response.content
    assert Target.objects.count() == (1 if status == 201 else 0)


def test_bad_targets_are_refused_by_field(world, api, people):
    client = api(world["maria"])
    bad = client.post(URL, _body(period="2018-Q9"), format="json")
    assert bad.status_code == 400 and "period" in bad.json()
    both = client.post(URL, _body(project="KRK-01"), format="json")
    assert both.status_code == 400 and "not both" in str(both.json())
    assert client.post(URL, _body(), format="json").status_code == 201
    again = client.post(URL, _body(), format="json")
    assert again.status_code == 400 and "already has a target" in str(again.json())


def test_each_role_reads_the_targets_of_its_scope(world, api, people):
    admin = api(world["admin"])
    for body in (_body(), _body(programme="RRP"), _body(governorate="IQG13", value="5")):
        assert admin.post(URL, body, format="json").status_code == 201

    def seen(who):
        response = api(world[who]).get(URL)
        assert response.status_code == 200
        return sorted((r["programme"], r["governorate"] or "") for r in response.json()["results"])

    assert seen("maria") == [("CRP", ""), ("CRP", "IQG13")]
    assert seen("mark") == [("RRP", "")]
    assert seen("alice") == [("CRP", "IQG13")]
    assert seen("dora") == []
    assert api(world["nobody"]).get(URL).status_code == 403
