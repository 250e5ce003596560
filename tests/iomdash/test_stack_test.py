"""``make test`` (``python -m iomdash.stack test``) names the slowest 15 tests
(issue #17), unless its arguments ask for another number."""

from __future__ import annotations

import subprocess

import pytest

from iomdash import stack


@pytest.fixture
def pytest_command(monkeypatch) -> list[list[str]]:
    """The commands ``stack.test`` runs, with the services, the catalogues and
    pytest left out."""
    commands: list[list[str]] = []
    monkeypatch.setattr(stack, "start_services", lambda: ({"PATH": "/usr/bin"}, []))
    monkeypatch.setattr(stack, "stop_services", lambda started: None)
    monkeypatch.setattr(stack, "compile_catalogues", lambda env: None)

    def run(command, **kwargs):
        commands.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(stack.subprocess, "run", run)
    return commands


def test_make_test_prints_the_slowest_15_tests_unless_asked_otherwise(pytest_command):
    assert stack.main(["test", "tests/iomdash", "-x"]) == 0
    assert stack.main(["test", "--durations=0"]) == 0
    assert stack.main(["test", "--durations", "3", "-q"]) == 0
    default, zero, three = pytest_command
    assert default[1:] == ["-m", "pytest", "--durations=15", "tests/iomdash", "-x"]
    assert zero[1:] == ["-m", "pytest", "--durations=0"]
    assert three[1:] == ["-m", "pytest", "--durations", "3", "-q"]
