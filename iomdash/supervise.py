"""The processes ``make run`` supervises (``iomdash.stack run``).

``Supervisor`` starts each command in a session of its own (a signal to the
terminal's process group reaches ``make run`` only, which then stops the
children in order), restarts a restartable one (the Celery worker and beat)
that exits, after a pause that doubles with each recent death, and gives up
when one keeps dying (``RESTART_LIMIT`` deaths within ``RESTART_WINDOW_S``)
or a process that is not restartable (the web server) exits.

The pids of the stack and its children are kept in ``.data/stack.json``, so
that the next ``make run`` finds what a stack killed without its clean-up
left behind (``stale_processes_stop``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESTART_LIMIT = 5
RESTART_WINDOW_S = 300.0
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0
STOP_TIMEOUT_S = 20.0


def _state_file() -> Path:
    from iomdash import embedded

    return embedded.DATA_DIR / "stack.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) is not alive.
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return fields[0] != "Z"
    return True


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _signal_group(pid: int, signum: int, *, fallback: bool = True) -> None:
    """Signal the process group a child leads (its own session), falling
    back to the process alone (``fallback``)."""
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        if fallback:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signum)


def _stop_pid(pid: int, *, timeout: float = STOP_TIMEOUT_S) -> None:
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        _signal_group(pid, signal.SIGKILL)


def stale_processes_stop(*, log: Callable[[str], None]) -> str | None:
    """Before a ``make run`` starts: if another one still runs on this data,
    a message naming it and the command that stops it (the caller refuses to
    start); if one was killed without its clean-up, its children still alive
    are stopped (and logged). None when the way is clear."""
    path = _state_file()
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    stack_pid = int(state.get("pid", 0))
    if stack_pid and stack_pid != os.getpid() and _alive(stack_pid):
        if "iomdash.stack" in _command_line(stack_pid):
            return (
                f"another `make run` (pid {stack_pid}) is running on this data: "
                f"stop it with `kill -TERM {stack_pid}` (or Ctrl-C in its terminal)"
            )
    for name, pid in (state.get("children") or {}).items():
        pid = int(pid)
        line = _command_line(pid)
        if _alive(pid) and ("celery" in line or "manage.py" in line):
            log(f"stopping the {name} (pid {pid}) left by an earlier `make run`")
            _stop_pid(pid)
    path.unlink(missing_ok=True)
    return None


class Child:
    def __init__(self, name: str, command: list[str], *, restartable: bool):
        self.name = name
        self.command = command
        self.restartable = restartable
        self.process: subprocess.Popen | None = None
        self.deaths: deque[float] = deque()
        self.restart_at: float | None = None


class Supervisor:
    """Start ``commands`` (name -> argv) in order with ``env``; ``watch()``
    until one that is not restartable exits or one keeps dying; ``stop()``
    stops them in the reverse order, each within ``STOP_TIMEOUT_S``."""

    def __init__(
        self,
        commands: dict[str, list[str]],
        *,
        env: dict[str, str] | None = None,
        restartable: tuple[str, ...] = (),
        log: Callable[[str], None] = print,
        cwd: Path = BASE_DIR,
    ):
        self.children = [
            Child(name, command, restartable=name in restartable)
            for name, command in commands.items()
        ]
        self.env = env
        self.log = log
        self.cwd = cwd

    def _spawn(self, child: Child) -> None:
        child.process = subprocess.Popen(
            child.command, cwd=self.cwd, env=self.env, start_new_session=True
        )
        child.restart_at = None
        self._save()

    def _save(self) -> None:
        path = _state_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        children = {c.name: c.process.pid for c in self.children if c.process is not None}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "children": children}))
        tmp.replace(path)

    def pids(self) -> dict[str, int]:
        return {c.name: c.process.pid for c in self.children if c.process is not None}

    def start(self) -> None:
        for child in self.children:
            self._spawn(child)
            self.log(f"started {child.name} (pid {child.process.pid})")

    def check(self, now: float | None = None) -> str | None:
        """One look at the children: restart those due, schedule the restart
        of those that died. Returns why the stack must stop, or None."""
        now = time.monotonic() if now is None else now
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._spawn(child)
                    self.log(f"restarted {child.name} (pid {child.process.pid})")
                continue
            code = child.process.poll()
            if code is None:
                continue
            # What it left in its group (a worker's pool processes) goes with it.
            _signal_group(child.process.pid, signal.SIGKILL, fallback=False)
            if not child.restartable:
                return f"{child.name} exited with code {code}"
            child.deaths.append(now)
            while child.deaths and now - child.deaths[0] > RESTART_WINDOW_S:
                child.deaths.popleft()
            if len(child.deaths) >= RESTART_LIMIT:
                return (
                    f"{child.name} keeps dying ({len(child.deaths)} times in "
                    f"{RESTART_WINDOW_S:.0f}s, last code {code})"
                )
            delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** (len(child.deaths) - 1))
            child.restart_at = now + delay
            self.log(
                f"{child.name} (pid {child.process.pid}) exited with code {code}; "
                f"restarting in {delay:.0f}s ({len(child.deaths)} of {RESTART_LIMIT} "
                f"deaths allowed in {RESTART_WINDOW_S:.0f}s)"
            )
        return None

    def watch(self, *, tick: float = 0.5) -> int:
        """Supervise until the stack must stop; returns 1 then (logged)."""
        while True:
            reason = self.check()
            if reason:
                self.log(f"{reason}: stopping everything")
                return 1
            time.sleep(tick)

    def stop(self) -> None:
        """Stop the children, the last started first, and forget their pids."""
        for child in reversed(self.children):
            if child.process is None:
                continue
            if child.process.poll() is None:
                _signal_group(child.process.pid, signal.SIGTERM)
                try:
                    child.process.wait(timeout=STOP_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    self.log(f"{child.name} did not stop in {STOP_TIMEOUT_S:.0f}s: killed")
                    _signal_group(child.process.pid, signal.SIGKILL)
                    child.process.wait()
            # Whatever the child left in its group (a worker's pool processes).
            _signal_group(child.process.pid, signal.SIGKILL, fallback=False)
        _state_file().unlink(missing_ok=True)
