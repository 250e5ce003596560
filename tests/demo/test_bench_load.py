"""The load benchmark's client (``demo.bench_load.run_load``), in a tiny run
against the test server: 2 users for 5 s over the dashboards, the visit list
and the API, each page timed, and a request refused counted as an error."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from demo.bench_load import API, PAGES, run_load
from tests.browser.test_dashboards import build_portfolio
from tests.factories import user_with_role


@pytest.fixture
def manager_session(transactional_db, django_db_serialized_rollback):
    portfolio = build_portfolio()
    manager = user_with_role("manager", username="loaded", programmes=[portfolio["crp"]])
    client = Client()
    client.force_login(manager)
    return client.cookies["sessionid"].value, Token.objects.create(user=manager).key


def test_two_users_for_five_seconds_get_every_page_without_error(live_server, manager_session):
    session, token = manager_session
    result = run_load(live_server.url, session=session, token=token, users=2, seconds=5)
    assert result["load_errors"] == 0, result["load_pages"]
    assert result["load_requests"] >= len(PAGES) + len(API)
    for path, page in result["load_pages"].items():
        assert page["requests"] >= 1, path
        assert 0 < page["p50_ms"] <= page["p95_ms"], path
    assert result["load_p50_ms"] <= result["load_p95_ms"]


def test_a_user_sent_to_the_login_page_counts_as_errors(
    live_server, transactional_db, django_db_serialized_rollback
):
    result = run_load(live_server.url, session="expired", token="wrong", users=1, seconds=1)
    assert result["load_requests"] >= 1
    assert result["load_errors"] == result["load_requests"]
