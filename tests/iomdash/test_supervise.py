"""``make run``'s supervisor, with stand-in processes: a dead worker is
started again after a growing pause and logged, one that keeps dying stops
the stack, the web server's exit stops it, stopping leaves no process of a
child's group, and a stack killed without clean-up is found by the next one."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from iomdash import supervise

SLEEP = [sys.executable, "-c", "import time; time.sleep(120)"]
DIE = [sys.executable, "-c", "raise SystemExit(3)"]


@pytest.fixture
def state_file(tmp_path, monkeypatch):
    path = tmp_path / "stack.json"
    monkeypatch.setattr(supervise, "_state_file", lambda: path)
    return path


@pytest.fixture
def logged():
    return []


def _wait(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_worker_is_restarted_after_a_pause_and_logged(state_file, logged):
    stack = supervise.Supervisor(
        {"worker": SLEEP, "web": SLEEP}, restartable=("worker",), log=logged.append
    )
    stack.start()
    try:
        first = stack.pids()["worker"]
        assert json.loads(state_file.read_text())["children"] == stack.pids()
        supervise._signal_group(first, signal.SIGKILL)
        assert _wait(lambda: stack.children[0].process.poll() is not None)
        now = time.monotonic()
        assert stack.check(now) is None
        assert f"worker (pid {first}) exited with code -9; restarting in 1s" in logged[-1]
        assert stack.check(now + 0.5) is None and stack.pids()["worker"] == first
        assert stack.check(now + 1.0) is None
        second = stack.pids()["worker"]
        assert second != first and supervise._alive(second)
        assert logged[-1] == f"restarted worker (pid {second})"
        assert json.loads(state_file.read_text())["children"]["worker"] == second
    finally:
        stack.stop()
    assert not state_file.exists()


def test_a_worker_that_keeps_dying_stops_the_stack_after_growing_pauses(state_file, logged):
    stack = supervise.Supervisor(
        {"worker": DIE, "web": SLEEP}, restartable=("worker",), log=logged.append
    )
    stack.start()
    web = stack.pids()["web"]
    try:
        now, reason, pauses = time.monotonic(), None, []
        for _ in range(20):
            stack.children[0].process.wait(timeout=10)
            reason = stack.check(now)
            if reason:
                break
            pauses.append(stack.children[0].restart_at - now)
            now = stack.children[0].restart_at
            stack.check(now)  # restarts it
        assert pauses == [1, 2, 4, 8]
        assert reason == "worker keeps dying (5 times in 300s, last code 3)"
    finally:
        stack.stop()
    assert not supervise._alive(web)


def test_the_web_server_exiting_stops_the_stack(state_file, logged):
    stack = supervise.Supervisor({"worker": SLEEP, "web": DIE}, restartable=("worker",),
                                 log=logged.append)  # fmt: skip
    stack.start()
    try:
        stack.children[1].process.wait(timeout=10)
        assert stack.watch(tick=0.05) == 1
        assert logged[-1] == "web exited with code 3: stopping everything"
    finally:
        stack.stop()


def test_stopping_leaves_no_process_of_a_childs_group(state_file, logged):
    # A child with a child of its own, as a worker has its pool processes.
    parent = [sys.executable, "-c",
              "import subprocess, sys, time; "
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
              "time.sleep(120)"]  # fmt: skip
    stack = supervise.Supervisor({"worker": parent, "web": SLEEP}, log=logged.append)
    stack.start()
    pgid = stack.pids()["worker"]
    stack.stop()
    out = subprocess.run(["ps", "-o", "pid=", "-g", str(pgid)], capture_output=True, text=True)
    assert out.stdout.strip() == ""


def test_a_stack_killed_without_clean_up_is_found_by_the_next(state_file, logged):
    orphan = subprocess.Popen([*SLEEP, "celery", "worker"], start_new_session=True)
    # Until it has exec'd, the child's command line is still this process's.
    assert _wait(lambda: "celery" in supervise._command_line(orphan.pid))
    state_file.write_text(json.dumps({"pid": 999999, "children": {"worker": orphan.pid}}))
    assert supervise.stale_processes_stop(log=logged.append) is None
    assert orphan.wait(timeout=30) == -signal.SIGTERM
    assert logged == [f"stopping the worker (pid {orphan.pid}) left by an earlier `make run`"]
    assert not state_file.exists()


def test_a_running_stack_on_the_same_data_is_named_with_the_command_to_stop_it(state_file):
    other = subprocess.Popen([*SLEEP, "-m", "iomdash.stack", "run"])
    try:
        assert _wait(lambda: "iomdash.stack" in supervise._command_line(other.pid))
        state_file.write_text(json.dumps({"pid": other.pid, "children": {}}))
        refusal = supervise.stale_processes_stop(log=print)
        assert refusal == (
            f"another `make run` (pid {other.pid}) is running on this data: "
            f"stop it with `kill -TERM {other.pid}` (or Ctrl-C in its terminal)"
        )
        assert other.poll() is None  # left running
    finally:
        other.kill()
        other.wait()
