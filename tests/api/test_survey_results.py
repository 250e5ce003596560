"""Aggregate survey results over the API: entered as percentages of a base
by a manager in scope, read back as counts and marked aggregate."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/survey-results/"

BODY = {
    "survey": "satisfaction",
    "project": "KRK-01",
    "collected_on": "2018-05-31",
    "base": 273,
    "as_shares": True,
    "answers": {"satisfied": {"3": "46", "2": "38", "1": "16"}},
    "source": "Post-distribution monitoring, May 2018",
}


def test_a_manager_enters_percentages_and_reads_counts(world, api):
    client = api(world["maria"])
    response = client.post(URL, BODY, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["aggregate"] is True
    assert created["answers"] == {"satisfied": {"3": 125, "2": 104, "1": 44}}
    assert created["entered_by"] == "maria"
    listed = client.get(URL).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [created["id"]]


def test_out_of_scope_and_donors_cannot_enter_results(world, api):
    assert api(world["mark"]).post(URL, BODY, format="json").status_code == 400  # no such project
    assert api(world["alice"]).post(URL, BODY, format="json").status_code == 403
    assert api(world["dora"]).post(URL, BODY, format="json").status_code in (400, 403)
    api(world["maria"]).post(URL, BODY, format="json")
    listed = api(world["dora"]).get(URL).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows == []


def test_bad_results_are_a_400_by_field(world, api):
    body = {**BODY, "answers": {"satisfied": {"3": "80", "2": "40"}}}
    response = api(world["maria"]).post(URL, body, format="json")
    assert response.status_code == 400 and "answers" in response.json()
