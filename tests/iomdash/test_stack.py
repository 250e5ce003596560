"""A real ``make run`` stack (``python -m iomdash.stack run``, with its own
embedded PostgreSQL and Redis in a data folder of its own): a worker killed
with SIGKILL is started again, and SIGTERM sent twice to the stack's process
group, the second while it stops, leaves no process of it running and its
port free."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from iomdash.supervise import _alive

BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    def __init__(self, data_dir: Path, port: int):
        env = {k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}  # fmt: skip
        env.update(IOMDASH_DATA_DIR=str(data_dir), DEBUG="true", DEMO_DATA="false",
                   HOST="127.0.0.1", PORT=str(port), XDG_RUNTIME_DIR=str(data_dir / "run"))  # fmt: skip
        self.env = env
        self.data_dir = data_dir
        self.port = port
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "iomdash.stack", "run"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own group, as `make run` in a terminal
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"no {text!r} in the stack's output:\n{self.output()[-4000:]}")

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=15)
        except urllib.error.HTTPError:
            return True  # 503: served
        except OSError:
            return False
        return True

    def pids(self) -> dict[str, int]:
        state = json.loads((self.data_dir / "stack.json").read_text())
        pids = {"stack": state["pid"], **state["children"]}
        pids["postgres"] = int(
            (self.data_dir / "postgres" / "postmaster.pid").read_text().split()[0]
        )
        pids["redis"] = int((self.data_dir / "redis" / "redis.pid").read_text().split()[0])
        return pids

    def clean_up(self) -> None:
        """Whatever a failed test left: the stack, its children (each in a
        session of its own), its PostgreSQL and Redis."""
        children = re.findall(r"started \w+ \(pid (\d+)\)", self.output())
        for pgid in [self.process.pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        self.process.wait()
        subprocess.run([sys.executable, "-m", "iomdash.stack", "stop"], cwd=BASE_DIR,
                       env=self.env, capture_output=True, timeout=120)  # fmt: skip


def seed_postgres(data_dir: Path, connection) -> None:
    """The stack's own PostgreSQL (in ``data_dir``), started, given a copy of
    the suite's migrated template and stopped again, so that the stack's
    ``migrate`` finds nothing to do: migrating an empty database costs about
    40 s of CPU, which the template build has already spent (the test is
    about the stack's processes, and a fresh ``migrate`` is the template's)."""
    from tests.conftest import database_url_for
    from tests.db_template import template_in_use

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(IOMDASH_DATA_DIR=str(data_dir), XDG_RUNTIME_DIR=str(data_dir / "run"))
    start = "from iomdash import embedded; print(embedded.postgres_url())"
    url = subprocess.run([sys.executable, "-c", start], cwd=BASE_DIR, env=env,
                         capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    # pgserver's binaries, without importing it here (it warns of the runtime dir).
    bin_dir = Path(importlib.util.find_spec("pgserver").origin).parent / "pginstall" / "bin"
    source = database_url_for({**connection.settings_dict, "NAME": template_in_use(connection)})
    try:
        dump = subprocess.run([bin_dir / "pg_dump", "--no-owner", source], capture_output=True,
                              check=True)  # fmt: skip
        subprocess.run([bin_dir / "psql", "-q", "-v", "ON_ERROR_STOP=1", url], input=dump.stdout,
                       capture_output=True, check=True)  # fmt: skip
    finally:
        stop = "from iomdash import embedded; embedded.postgres_stop()"
        subprocess.run([sys.executable, "-c", stop], cwd=BASE_DIR, env=env, check=True)


@pytest.mark.stack
def test_term_twice_stops_the_whole_stack_and_a_dead_worker_is_restarted(
    django_db_setup, django_db_blocker
):
    from django.db import connection

    data_dir = Path(tempfile.mkdtemp(prefix="iomstack-"))
    with django_db_blocker.unblock():
        seed_postgres(data_dir, connection)
    stack = Stack(data_dir, _free_port())
    try:
        stack.wait_for("serving on", timeout=300)
        deadline = time.monotonic() + 60
        while not stack.answers() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert stack.answers(), stack.output()[-3000:]
        pids = stack.pids()
        assert all(_alive(pid) for pid in pids.values()), pids

        # The worker's main process dies: the stack starts another, and goes on.
        os.killpg(pids["worker"], signal.SIGKILL)
        stack.wait_for("restarted worker", timeout=30)
        assert stack.process.poll() is None and stack.answers()
        pids = stack.pids() | {"first worker": pids["worker"]}
        assert pids["worker"] != pids["first worker"]

        os.killpg(stack.process.pid, signal.SIGTERM)
        time.sleep(0.3)  # the second one arrives while it stops
        os.killpg(stack.process.pid, signal.SIGTERM)
        assert stack.process.wait(timeout=120) == 0, stack.output()[-3000:]
        left = {name: pid for name, pid in pids.items() if _alive(pid)}
        assert left == {}, stack.output()[-3000:]
        assert not stack.answers()
        assert "SIGTERM received: stopping" in stack.output()
        assert stack.output().rstrip().endswith("[iomdash] stopped")
        assert not (data_dir / "stack.json").exists()
    finally:
        stack.clean_up()
        shutil.rmtree(data_dir, ignore_errors=True)
