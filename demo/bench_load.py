"""``make bench BENCH_ARGS=--load``: many logged-in users at once, under gunicorn
as in production (DEBUG off, ``docker-compose.yml``'s workers and threads), on
127.0.0.1 only.

Each simulated user is a thread with its own session (the demo manager's) and
API token, looping over the dashboards, the visit list and the API for a fixed
time: a closed loop (a user sends its next request when the last one answers).
As a browser does, a user keeps its connection open from one request to the
next (HTTP/1.1 keep-alive), opens a new one when the server closed it, and
asks for uncompressed answers (as the first runs did). The requests are the
bytes ``http.client`` sent, written once, and the answers are read with as
little Python as reads them whole: the generator shares the cores with the
server (against a canned answer in another process, 50 users: 0.32-0.37 ms
of the generator's CPU a request with ``http.client``, 0.09-0.10 ms so).
The figures: ``load_requests``, ``load_errors`` (any status but 200, or no
answer within the timeout), ``load_rps``, ``load_p50_ms``, ``load_p95_ms``
overall and p50/p95 per page (``load_pages``), and where the CPU went over the
run (``load_cpu_ms_per_request`` by process group: ``demo.bench_cpu``)."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent

# Gunicorn's processes and threads, as docker-compose.yml and the Dockerfile start
# it (a test keeps the three equal). Two processes of eight threads on the two
# cores measured: with kept connections, three of four left one process with more
# users than it could serve and the others idle (docs/performance.md).
WORKERS, THREADS = "2", "8"

PAGES = [
    "/dashboards/",
    "/dashboards/governorate/IQG13/",
    "/dashboards/programme/CRP/",
    "/visits/",
]
API = [
    "/api/v1/visits/",
    "/api/v1/projects/",
    "/api/v1/indicator-values/?by=governorate",
]


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, min(len(ordered) - 1, int(len(ordered) * share + 0.5) - 1))]


def run_load(
    base_url: str,
    *,
    session: str,
    token: str,
    users: int,
    seconds: float,
    pages: list[str] = PAGES,
    api: list[str] = API,
    timeout: float = 30.0,
    keep_alive: bool = True,
) -> dict:
    """Drive ``base_url`` with ``users`` concurrent closed-loop users for
    ``seconds``: pages with the session cookie ``session``, API paths with
    ``token``. Returns the figures named in the module's docstring; every
    request is counted, an error being any answer but 200. Without
    ``keep_alive`` each request has a connection of its own, as a proxy in
    front of gunicorn that does not keep upstream connections asks."""
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    times: dict[str, list[float]] = {path: [] for path in [*pages, *api]}
    errors: dict[str, int] = {path: 0 for path in times}
    paths = [(path, {"Cookie": f"sessionid={session}"}) for path in pages] + [
        (path, {"Authorization": f"Token {token}"}) for path in api
    ]
    if not keep_alive:
        paths = [(path, {**headers, "Connection": "close"}) for path, headers in paths]

    address = urlsplit(base_url)
    host = f"{address.hostname}:{address.port}"
    # The bytes http.client sent for each request, written once: the same
    # request line and headers, without building and parsing them in Python
    # for every request (the generator shares the two cores with the server).
    requests = [
        (
            path,
            "".join(
                [
                    f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n",
                    *(f"{name}: {value}\r\n" for name, value in headers.items()),
                    "\r\n",
                ]
            ).encode("latin-1"),
        )
        for path, headers in paths
    ]

    def connect() -> tuple[socket.socket, object]:
        sock = socket.create_connection((address.hostname, address.port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock, sock.makefile("rb")

    def fetch(connection, request: bytes) -> tuple[bool, bool]:
        """Send ``request``, read the whole answer: (200?, may the
        connection be kept?). Raises ``RemoteDisconnected`` when the server
        had closed it before answering."""
        sock, reader = connection
        sock.sendall(request)
        status_line = reader.readline(65537)
        if not status_line:
            raise http.client.RemoteDisconnected("closed before answering")
        status = status_line.split(None, 2)[1]
        length, chunked, keep = None, False, keep_alive
        while True:
            line = reader.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection" and value.strip().lower() == b"close":
                keep = False
        if chunked:
            while size := int(reader.readline(65537).split(b";")[0], 16):
                reader.read(size + 2)
            while reader.readline(65537) not in (b"\r\n", b"\n", b""):
                pass
        elif length is not None:
            if len(reader.read(length)) < length:
                raise http.client.IncompleteRead(b"")
        else:  # the answer ends when the server closes
            reader.read()
            keep = False
        return status == b"200", keep  # a redirect (to the login page) is an error

    def close(connection) -> None:
        connection[1].close()
        connection[0].close()

    def user(index: int) -> None:
        step = index  # users start at different pages
        connection = None
        while time.monotonic() < deadline:
            path, request = requests[step % len(requests)]
            step += 1
            start = time.perf_counter()
            reused = connection is not None
            keep = False
            try:
                if connection is None:
                    connection = connect()
                try:
                    ok, keep = fetch(connection, request)
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    if not reused:
                        raise
                    # The server closed the kept connection: a browser asks again on a new one.
                    close(connection)
                    connection = connect()
                    ok, keep = fetch(connection, request)
            except (http.client.HTTPException, OSError, ValueError, IndexError):
                ok = False
            if (not ok or not keep) and connection is not None:
                close(connection)
                connection = None
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                times[path].append(elapsed)
                if not ok:
                    errors[path] += 1
        if connection is not None:
            close(connection)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + timeout + 5)
    wall = time.perf_counter() - started
    every = [t for path_times in times.values() for t in path_times]
    return {
        "load_users": users,
        "load_seconds": seconds,
        "load_requests": len(every),
        "load_errors": sum(errors.values()),
        "load_rps": round(len(every) / wall, 1),
        "load_p50_ms": round(statistics.median(every), 1) if every else None,
        "load_p95_ms": round(_percentile(every, 0.95), 1) if every else None,
        "load_pages": {
            path: {
                "requests": len(path_times),
                "errors": errors[path],
                "p50_ms": round(statistics.median(path_times), 1) if path_times else None,
                "p95_ms": round(_percentile(path_times, 0.95), 1) if path_times else None,
            }
            for path, path_times in times.items()
        },
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start-up (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {limit:.0f} s")


def bench_load(*, users: int, seconds: float) -> dict:
    """Start gunicorn on the benchmark database (DEBUG off, a fresh secret key
    shared with this process so that its session is valid there), log the demo
    manager in, run :func:`run_load`, stop gunicorn. Returns its figures."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from demo.bench_cpu import CpuSampler
    from iomdash import embedded

    settings.SECRET_KEY = secrets.token_urlsafe(64)
    manager = get_user_model().objects.get(username="manager")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(manager)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    token, _ = Token.objects.get_or_create(user=manager)

    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_SETTINGS_MODULE": "iomdash.settings",
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "iomdash.wsgi"),
        *("--bind", f"127.0.0.1:{port}", "--workers", WORKERS, "--threads", THREADS),
        *("--worker-class", "gthread", "--timeout", "60", "--log-level", "warning"),
    ]
    # As the image does: with DEBUG off, pages need the hashed static files' manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        # The login page: /healthz waits on the Celery worker, not started here.
        _wait_for(base_url + "/accounts/login/", process)
        run_load(base_url, session=session, token=token.key, users=2, seconds=3)  # warm-up
        cpu = CpuSampler(gunicorn=process.pid, data_dir=embedded.DATA_DIR)
        cpu.start()
        results = run_load(base_url, session=session, token=token.key, users=users, seconds=seconds)
        return {**results, **cpu.stop(results["load_requests"])}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
