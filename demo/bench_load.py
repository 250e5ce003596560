"""``make bench BENCH_ARGS=--load``: many logged-in users at once, under gunicorn
as in production (DEBUG off, ``docker-compose.yml``'s workers and threads), on
127.0.0.1 only.

Each simulated user has its own session (the demo manager's) and API token,
and loops over the dashboards, the visit list and the API for a fixed time: a
closed loop (a user sends its next request when the last one answers). As a
browser does, a user keeps its connection open from one request to the next
(HTTP/1.1 keep-alive), opens a new one when the server closed it, and asks
for uncompressed answers (as the first runs did). The requests are the bytes
``http.client`` sent, written once; one thread waits on every user's
connection (``selectors``) and reads each answer whole with as little Python
as that takes. The generator shares the cores with the server: with a thread
and ``http.client`` per user it took about 1.1 ms of CPU a request in a load
run (docs/performance.md, twelfth session).
The figures: ``load_requests``, ``load_errors`` (any status but 200, or no
answer within the timeout), ``load_rps``, ``load_p50_ms``, ``load_p95_ms``
overall and p50/p95 per page (``load_pages``), and where the CPU went over the
run (``load_cpu_ms_per_request`` by process group: ``demo.bench_cpu``)."""

from __future__ import annotations

import os
import secrets
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent

# Gunicorn's processes and threads, as docker-compose.yml and the Dockerfile start
# it (a test keeps the three equal). Two processes of eight threads on the two
# cores measured: with kept connections, three of four left one process with more
# users than it could serve and the others idle (docs/performance.md). The worker
# takes a new connection only while it holds no more than its share of them
# (iomdash/workers.py): gunicorn's own left 44 of 50 kept connections on one process.
WORKERS, THREADS = "2", "8"
WORKER_CLASS = "iomdash.workers.BalancedThreadWorker"

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

    selector = selectors.DefaultSelector()

    class User:
        """A user's state: its next step, its connection, the answer so far."""

        def __init__(self, index: int) -> None:
            self.step = index  # users start at different pages
            self.sock: socket.socket | None = None
            self.path = ""
            self.request = b""
            self.start = 0.0
            self.retried = False
            self.reused = False
            self.answer = bytearray()
            self.header_end = -1
            self.status = b""
            self.length: int | None = None
            self.chunked = False
            self.keep = keep_alive

    def connect(user: User) -> None:
        user.sock = socket.create_connection((address.hostname, address.port), timeout=timeout)
        user.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        user.sock.setblocking(False)
        selector.register(user.sock, selectors.EVENT_READ, user)

    def close(user: User) -> None:
        if user.sock is not None:
            selector.unregister(user.sock)
            user.sock.close()
            user.sock = None

    def send(user: User) -> None:
        """Send the user's request, on its kept connection or a new one."""
        user.answer.clear()
        user.header_end, user.length, user.chunked, user.keep = -1, None, False, keep_alive
        user.reused = user.sock is not None
        if user.sock is None:
            connect(user)
        user.sock.sendall(user.request)  # a few hundred bytes: the buffer takes them

    def done(user: User, ok: bool) -> None:
        """Count the user's answer, then send its next request (closed loop)."""
        elapsed = (time.perf_counter() - user.start) * 1000
        times[user.path].append(elapsed)
        if not ok:
            errors[user.path] += 1
        if not ok or not user.keep:
            close(user)
        begin(user)

    def begin(user: User) -> None:
        if time.monotonic() >= deadline:
            close(user)
            active.discard(user)
            return
        user.path, user.request = requests[user.step % len(requests)]
        user.step += 1
        user.retried = False
        user.start = time.perf_counter()
        try:
            send(user)
        except OSError:
            retry_or_fail(user)

    def retry_or_fail(user: User) -> None:
        """The server closed the kept connection before answering: a browser
        asks again on a new one, once. Any other failure is an error."""
        again = user.reused and not user.retried and not user.answer
        close(user)
        if again:
            user.retried = True
            try:
                send(user)
                return
            except OSError:
                close(user)
        done(user, False)

    def headers_read(user: User) -> None:
        head = bytes(user.answer[: user.header_end]).split(b"\r\n")
        user.status = head[0].split(None, 2)[1]
        for line in head[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                user.length = int(value)
            elif name == b"transfer-encoding":
                user.chunked = b"chunked" in value.lower()
            elif name == b"connection" and value.strip().lower() == b"close":
                user.keep = False

    def readable(user: User) -> None:
        try:
            data = user.sock.recv(262144)
        except BlockingIOError:
            return
        except OSError:
            data = None
        if not data:  # closed by the server
            if data is not None and user.header_end >= 0 and user.length is None:
                if not user.chunked:  # the answer ended with the connection
                    user.keep = False
                    done(user, user.status == b"200")
                    return
            retry_or_fail(user)
            return
        user.answer += data
        if user.header_end < 0:
            end = user.answer.find(b"\r\n\r\n")
            if end < 0:
                return
            user.header_end = end + 4
            try:
                headers_read(user)
            except (ValueError, IndexError):
                done(user, False)
                return
        body = len(user.answer) - user.header_end
        if user.length is not None:
            if body >= user.length:
                done(user, user.status == b"200")  # a redirect (to the login page) is an error
        elif user.chunked and user.answer.endswith(b"0\r\n\r\n"):
            done(user, user.status == b"200")

    every_user = [User(index) for index in range(users)]
    active = set(every_user)
    started = time.perf_counter()
    for user in every_user:
        begin(user)
    while active:
        for key, _events in selector.select(0.2):
            readable(key.data)
        now = time.perf_counter()
        for user in list(active):
            if now - user.start > timeout and user in active:
                close(user)
                done(user, False)
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
        *("--worker-class", WORKER_CLASS, "--timeout", "60", "--log-level", "warning"),
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
