"""A kept database connection is checked at the start of a request by a poll
of its socket (``iomdash.db_health``): no ``SELECT 1`` when nothing happened
to it, and a connection the database ended is opened again, not a 500."""

from __future__ import annotations

import select

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import connection, connections
from django.test import RequestFactory

from iomdash import db_health
from iomdash.handler import WSGIHandler as Handler

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _request_starts() -> None:
    """What the served handler does before the view: Django's handlers of
    ``request_started`` (which mark kept connections for a check), then ours."""
    request_started.send(sender=WSGIHandler, environ={})
    db_health.connections_check()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _checks(monkeypatch) -> list[int]:
    """The calls to Django's ``SELECT 1`` check from now on."""
    calls = []
    usable = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: calls.append(1) or usable())
    return calls


def test_a_kept_connection_is_not_asked_select_1_at_each_request(monkeypatch):
    assert connection.health_check_enabled  # settings: CONN_HEALTH_CHECKS
    connection.close()  # a new connection, far from its CONN_MAX_AGE
    pid = _backend_pid()
    checks = _checks(monkeypatch)
    for _ in range(3):
        _request_starts()
        assert _backend_pid() == pid  # the same connection, kept
    assert checks == []


def test_a_connection_the_database_ended_is_opened_again_before_the_first_query():
    pid = _backend_pid()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    # The server's goodbye reaches the socket.
    poller = select.poll()
    poller.register(connection.connection.fileno(), select.POLLIN)
    assert poller.poll(5000)

    _request_starts()

    assert _backend_pid() != pid


def test_the_served_handler_checks_connections_before_the_view(monkeypatch):
    checked = []
    monkeypatch.setattr(db_health, "connections_check", lambda: checked.append(1))
    Handler().get_response(RequestFactory().get("/nowhere/"))
    assert checked == [1]
