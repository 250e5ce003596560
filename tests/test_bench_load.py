"""The load benchmark's client (``demo.bench_load.run_load``), in a tiny run
against the test server: 2 users for 5 s over the dashboards, the visit list
and the API, each page timed, and a request refused counted as an error.

Not in ``tests/demo``: that folder's demo world (``tests/demo/conftest.py``)
is one transaction open until its last test, and these tests commit (a live
server): run after the folder's other tests, inside that transaction, they
found the demo's definitions already there."""

from __future__ import annotations

import http.server
import threading

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


class _Counting(http.server.BaseHTTPRequestHandler):
    """Answers 200 to every GET; counts the connections it was given. With
    ``close_every`` it closes a kept connection after that many answers, as
    a server does when its keep-alive time runs out."""

    protocol_version = "HTTP/1.1"
    connections: list[int] = []
    close_every = 0

    def setup(self):
        super().setup()
        self.connections.append(1)
        self.answered = 0

    def do_GET(self):  # noqa: N802 (the handler's name)
        self.answered += 1
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if self.close_every and self.answered >= self.close_every:
            self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def counting_server():
    def start(close_every: int = 0):
        handler = type("Handler", (_Counting,), {"connections": [], "close_every": close_every})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}", handler.connections

    servers = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_user_keeps_its_connection_as_a_browser_does(counting_server):
    url, connections = counting_server()
    result = run_load(url, session="s", token="t", users=1, seconds=0.5)
    assert result["load_errors"] == 0
    assert result["load_requests"] > 10
    assert len(connections) == 1


def test_a_connection_the_server_closed_is_opened_again_without_an_error(counting_server):
    url, connections = counting_server(close_every=3)
    result = run_load(url, session="s", token="t", users=2, seconds=0.5)
    assert result["load_errors"] == 0
    assert result["load_requests"] > 10
    assert 1 < len(connections) <= result["load_requests"] // 2


def test_the_benchmark_starts_gunicorn_as_production_does():
    from pathlib import Path

    from demo.bench_load import THREADS, WORKER_CLASS, WORKERS

    root = Path(__file__).resolve().parents[1]
    compose = (root / "docker-compose.yml").read_text()
    dockerfile = (root / "Dockerfile").read_text()
    assert f"--workers {WORKERS} --threads {THREADS} --worker-class {WORKER_CLASS}" in compose
    assert (
        f'"--workers", "{WORKERS}", "--threads", "{THREADS}", "--worker-class", "{WORKER_CLASS}"'
        in dockerfile
    )


def test_without_keep_alive_each_request_has_a_connection_of_its_own(counting_server):
    url, connections = counting_server()
    result = run_load(url, session="s", token="t", users=1, seconds=0.3, keep_alive=False)
    assert result["load_errors"] == 0 and result["load_requests"] > 3
    assert len(connections) == result["load_requests"]
