"""Fixtures shared by the whole suite: the standing users per role and a real
Celery worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def database_url_for(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is using now (the test database)."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else f"{user}@"
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{settings_dict['NAME']}"


class WorkerProcess:
    """A real ``celery worker`` in a child process, on the suite's broker and
    the test database. Stop it with ``stop()``; the fixture does at the end."""

    def __init__(self, database_url: str):
        self.hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = "iomdash.settings_test"
        env["DATABASE_URL"] = database_url
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "iomdash",
                "worker",
                "-P",
                "solo",
                "-l",
                "warning",
                "--hostname",
                self.hostname,
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=BASE_DIR,
            env=env,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        from iomdash.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {self.process.returncode}")
            if app.control.ping(destination=[self.hostname], timeout=0.5):
                return
        raise RuntimeError(f"the Celery worker did not answer within {timeout}s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database, with its serialized contents (what the migrations
    loaded: governorates, the household multiplier) shared by every
    connection object. Django's connections are per context, and Playwright's
    event loop gives browser tests a fresh connection object that would
    otherwise have nothing to restore after a transactional test's flush."""
    from django.db import connections

    connection = connections["default"]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is not None:
        type(connection)._test_serialized_contents = contents
    yield


@pytest.fixture
def celery_worker_process(django_db_serialized_rollback, transactional_db, settings):
    """A real Celery worker reading the test database. Tests using it see the
    data they commit (hence ``transactional_db``); the serialized rollback puts
    back the governorates the migrations loaded."""
    from django.db import connection

    worker = WorkerProcess(database_url_for(connection.settings_dict))
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process, for unit tests of a task's body only."""
    from iomdash.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False
        app.conf.task_eager_propagates = False
