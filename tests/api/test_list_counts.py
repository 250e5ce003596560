"""The counts of the visits' and the indicator values' lists (a COUNT over
up to a million rows) are kept until the data stamp moves: a list asked
again does not count again, yet a change shows in the count at once, and
each user gets the count of their own scope."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from indicators.engine import recompute_full
from tests.api.conftest import visit_with_line
from tests.indicators.conftest import define

pytestmark = pytest.mark.django_db

VISITS = "/api/v1/visits/"
VALUES = "/api/v1/indicator-values/"


def counted(client, url: str) -> tuple[int, list[str]]:
    """The list's count, and the COUNT queries made to answer it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]]
    return response.json()["count"], counts


def test_the_visits_are_counted_once_until_a_visit_changes(world, api):
    client = api(world["admin"])
    count, counts = counted(client, VISITS)
    assert count == 2 and counts
    assert counted(client, VISITS) == (2, [])
    visit_with_line(world, monitor="alice", project=world["krk"])
    assert counted(client, VISITS)[0] == 3


def test_each_scope_has_its_own_count(world, api):
    assert counted(api(world["admin"]), VISITS)[0] == 2
    assert counted(api(world["maria"]), VISITS)[0] == 1
    assert counted(api(world["dora"]), VISITS)[0] == 0
    # A filter is another list, with its own count.
    assert counted(api(world["admin"]), VISITS + "?status=approved")[0] == 0


def test_the_values_are_counted_once_until_the_engine_runs(world, api):
    define("projects", source="projects", measure="records")
    recompute_full()
    client = api(world["admin"])
    url = VALUES + "?by=governorate"
    count, counts = counted(client, url)
    assert count > 0 and counts
    assert counted(client, url) == (count, [])
    define("projects-again", source="projects", measure="records")
    recompute_full()
    assert counted(client, url)[0] > count


def test_the_values_page_is_kept_until_the_engine_runs_for_each_user_and_language(world, api):
    """The values list (sorted by joined columns over every value of its cut:
    170 ms at a million records) is served as kept until the stamp moves."""
    define("projects", source="projects", measure="records")
    recompute_full()
    admin, maria = api(world["admin"]), api(world["maria"])
    url = VALUES + "?by=governorate"
    first = admin.get(url).json()
    with CaptureQueriesContext(connection) as queries:
        again = admin.get(url).json()
    assert again == first
    assert not [q for q in queries.captured_queries if "indicators_indicatorvalue" in q["sql"]]
    # Another user reads their own scope, another language its own words.
    assert maria.get(url).json()["count"] <= first["count"]
    with CaptureQueriesContext(connection) as queries:
        admin.get(url, HTTP_ACCEPT_LANGUAGE="ar")
    assert [q for q in queries.captured_queries if "indicators_indicatorvalue" in q["sql"]]
    # A run of the engine moves the stamp: the page is read afresh.
    define("projects-again", source="projects", measure="records")
    recompute_full()
    assert admin.get(url).json()["count"] > first["count"]


def test_the_projects_page_is_kept_until_a_project_changes(world, api):
    """The projects list (37 ms at a million records) is served as kept until
    the stamp moves: a project's write moves it."""
    admin = api(world["admin"])
    url = "/api/v1/projects/"
    first = admin.get(url).json()
    with CaptureQueriesContext(connection) as queries:
        assert admin.get(url).json() == first
    assert not [q for q in queries.captured_queries if "programmes_project" in q["sql"]]
    project = world["krk"]
    project.name = "Renamed in Kirkuk"
    project.save()
    names = {row["code"]: row["name"] for row in admin.get(url).json()["results"]}
    assert names[project.code] == "Renamed in Kirkuk"


def test_the_visits_page_is_kept_until_a_visit_or_its_monitor_s_name_changes(world, api):
    admin = api(world["admin"])
    first = admin.get(VISITS).json()
    with CaptureQueriesContext(connection) as queries:
        assert admin.get(VISITS).json() == first
    assert not [q for q in queries.captured_queries if "beneficiaries_monitoringvisit" in q["sql"]]
    visit_with_line(world, monitor="alice", project=world["krk"])
    assert admin.get(VISITS).json()["count"] == first["count"] + 1
    # A monitor renamed shows at once in the visits they made.
    alice = world["alice"]
    alice.username = "alice.h"
    alice.save(update_fields=["username"])
    assert "alice.h" in {row["monitor"] for row in admin.get(VISITS).json()["results"]}


@pytest.mark.parametrize("url", [VISITS, "/api/v1/projects/", VALUES + "?by=governorate"])
def test_a_kept_json_list_is_sent_as_kept_bytes_with_the_same_headers(world, api, url):
    """Asked again, a kept list is sent as the bytes rendered the first time:
    no JSON encoding (nor unpickling of rows), and the same headers."""
    client = api(world["admin"])
    first = client.get(url)
    with mock.patch.object(JSONRenderer, "render", side_effect=AssertionError("rendered")):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert sorted(again.items()) == sorted(first.items())
    assert first["Content-Type"] == "application/json"
    # Another format keeps its own page, as before.
    csv = client.get(url + ("&" if "?" in url else "?") + "format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
