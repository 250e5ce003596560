"""A real Celery worker in a child process, for the tests and the benchmark
that need one: the solo pool, so the work runs in the process we watch."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class WorkerProcess:
    """Start ``celery worker`` with ``env`` added to this process's environment;
    ``wait_ready()`` until it answers a ping, ``stop()`` when done."""

    def __init__(self, *, name: str = "worker", env: dict[str, str] | None = None):
        self.hostname = f"{name}-{uuid.uuid4().hex[:8]}@localhost"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "iomdash", "worker", "-P", "solo",
             "-l", "warning", "--hostname", self.hostname, "--without-gossip", "--without-mingle"],
            cwd=BASE_DIR,
            env={**os.environ, **(env or {})},
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 60) -> None:
        from iomdash.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited with {self.process.returncode}")
            try:
                if app.control.ping(destination=[self.hostname], timeout=0.5):
                    return
            except Exception:  # redis, kombu and OS errors alike
                # A broker just restarted: this process's old connection broke;
                # the next ping opens a new one.
                time.sleep(0.2)
        raise RuntimeError(f"the Celery worker did not answer within {timeout}s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
