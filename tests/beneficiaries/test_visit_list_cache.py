"""The visit list's counts and governorate choices are kept until the data
stamp moves: the list asked again does not count the visits again, yet a
visit saved, submitted or reviewed shows in the counts at once, and no one
is given another scope's or another administrator's counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.beneficiaries.test_services import build_world
from tests.beneficiaries.test_views import many_visits, visit_of
from tests.factories import MonitoringVisitFactory, user_with_role
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db
LIST = reverse("beneficiaries:visit_list")


@shared_for_module
def world():
    return build_world()


def scans_of_visits(queries) -> list[str]:
    """The queries that count the visits or list their governorates."""
    return [
        q["sql"]
        for q in queries
        if "beneficiaries_monitoringvisit" in q["sql"]
        and ("COUNT(" in q["sql"] or '"governorate_id" IN (SELECT' in q["sql"])
        and "LIMIT" not in q["sql"]
    ]


def tab(response, status: str) -> int:
    return next(count for value, _label, count in response.context["tabs"] if value == status)


def content(response) -> str:
    """The page without its header (whose CSRF token changes every time)."""
    page = response.content.decode()
    return page[page.index('<main class="content">') : page.index("</main>")]


def test_the_list_asked_again_counts_nothing(client, world):
    many_visits(world)
    client.force_login(world["maria"])
    with CaptureQueriesContext(connection) as first:
        before = client.get(LIST)
    assert scans_of_visits(first.captured_queries)
    with CaptureQueriesContext(connection) as again:
        response = client.get(LIST)
    assert scans_of_visits(again.captured_queries) == []
    assert tab(before, "submitted") == 20 and before.context["page"].paginator.count == 20
    assert content(response) == content(before)


def test_the_list_asked_again_reads_the_session_the_user_and_the_stamp_only(client, world):
    """Its imports waiting, tabs, filters, rows and pager are kept with it."""
    many_visits(world)
    client.force_login(world["maria"])
    client.get(LIST, {"status": "submitted", "page": "1"})
    with CaptureQueriesContext(connection) as again:
        response = client.get(LIST, {"status": "submitted", "page": "1"})
    assert len(again.captured_queries) == 3, [q["sql"][:80] for q in again.captured_queries]
    assert "Imported lists to review" not in content(response)
    assert '<span class="count">20</span>' in content(response)


@pytest.mark.parametrize(
    "query",
    [{"page": "9"}, {"page": "01"}, {"governorate": "999999"}, {"utm": "x"}, {"status": "nope"}],
)
def test_a_list_asked_with_what_it_does_not_show_is_not_kept(client, world, query):
    """A page past the last, a filter it ignores or a made-up parameter:
    rendered each time, so that made-up links cannot fill Redis."""
    many_visits(world)
    client.force_login(world["maria"])
    client.get(LIST, query)
    with CaptureQueriesContext(connection) as again:
        assert client.get(LIST, query).status_code == 200
    assert len(again.captured_queries) > 3


def test_a_submitted_visit_shows_at_once(client, world):
    many_visits(world)
    client.force_login(world["maria"])
    assert tab(client.get(LIST), "submitted") == 20
    visit_of(world, status="submitted")
    response = client.get(LIST)
    assert tab(response, "submitted") == 21
    assert response.context["page"].paginator.count == 21


def test_each_scope_has_its_own_counts(client, world):
    many_visits(world)
    client.force_login(world["maria"])
    assert tab(client.get(LIST), "submitted") == 20
    client.force_login(world["mark"])  # the other programme: its one visit
    response = client.get(LIST)
    assert tab(response, "submitted") == 1
    assert [g.pcode for g in response.context["form"].fields["governorate"].queryset] == ["IQG02"]


def test_an_administrator_counts_their_own_drafts_only(client, world):
    many_visits(world)
    one, other = world["admin"], user_with_role("admin", username="root2")
    MonitoringVisitFactory(project=world["project"], monitor=one, status="draft")
    client.force_login(one)
    assert tab(client.get(LIST), "draft") == 1
    client.force_login(other)
    assert tab(client.get(LIST), "draft") == 0


def test_the_page_s_rows_are_read_once_until_a_visit_or_a_monitor_s_name_changes(client, world):
    many_visits(world)
    client.force_login(world["maria"])

    def rows(response) -> str:
        page = response.content.decode()
        return page[
            page.index('<ul class="visit-list">') : page.index("</ul>", page.index("visit-list"))
        ]

    first = rows(client.get(LIST))
    with CaptureQueriesContext(connection) as again:
        assert rows(client.get(LIST)) == first
    assert not [q for q in again.captured_queries if "beneficiaries_monitoringvisit" in q["sql"]]
    # The monitor's name on the rows follows a rename at once.
    monitor = world["alice"]
    monitor.first_name, monitor.last_name = "Alia", "Hadi"
    monitor.save(update_fields=["first_name", "last_name"])
    assert "Alia Hadi" in client.get(LIST).content.decode()
    # Another language has its own rows.
    arabic = client.get(LIST, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in arabic
