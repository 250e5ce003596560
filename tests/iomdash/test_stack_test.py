"""``make test`` (``python -m iomdash.stack test``) names the slowest 15 tests
(issue #17), unless its arguments ask for another number, and runs the whole
suite on one process per core (pytest-xdist), a module on one process."""

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
    monkeypatch.setattr(stack.os, "cpu_count", lambda: 2)

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
    xdist = ["-n", "2", "--dist", "loadscope", "--no-loadscope-reorder"]
    assert zero[1:] == ["-m", "pytest", *xdist, "--durations=0"]
    assert three[1:] == ["-m", "pytest", *xdist, "--durations", "3", "-q"]


def test_the_whole_suite_runs_on_one_process_per_core_at_most_four(pytest_command):
    assert stack.main(["test"]) == 0
    assert pytest_command[0][1:] == [
        "-m", "pytest", "--durations=15", "-n", "2", "--dist", "loadscope", "--no-loadscope-reorder"
    ]  # fmt: skip
    # In the order of LONGEST_FIRST (tests/conftest.py), not by number of tests.
    every_module_on_one = ["--dist", "loadscope", "--no-loadscope-reorder"]
    assert stack.with_processes([], cores=16) == ["-n", "4", *every_module_on_one]
    assert stack.with_processes(["-q", "-m", "worker"], cores=2) == [
        "-n", "2", *every_module_on_one, "-q", "-m", "worker"
    ]  # fmt: skip
    assert stack.with_processes([], cores=1) == []


@pytest.mark.parametrize(
    "args",
    [
        ["tests/iomdash/test_stack_test.py", "-x"],
        [
            "tests/iomdash/test_stack_test.py::test_the_whole_suite_runs_on_one_process_per_core_at_most_four"
        ],
        ["tests/browser"],
        ["-n", "0"],
        ["-n3"],
        ["--numprocesses=auto"],
        ["-p", "no:xdist"],
        ["--dist", "load"],
    ],
)
def test_named_tests_or_a_chosen_number_of_processes_run_as_asked(args):
    assert stack.with_processes(args, cores=2) == args


def test_pytest_may_keep_its_rewritten_modules_between_runs(monkeypatch):
    """The image's PYTHONDONTWRITEBYTECODE is not handed to pytest: with it,
    each process rewrites every test module's asserts again on every run."""
    environment = {"PATH": "/usr/bin", "PYTHONDONTWRITEBYTECODE": "1"}
    monkeypatch.setattr(stack, "start_services", lambda: (dict(environment), []))
    monkeypatch.setattr(stack, "stop_services", lambda started: None)
    monkeypatch.setattr(stack, "compile_catalogues", lambda env: None)
    handed: list[dict] = []

    def run(command, **kwargs):
        handed.append(kwargs["env"])
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(stack.subprocess, "run", run)
    assert stack.main(["test", "tests/iomdash"]) == 0
    assert handed == [{"PATH": "/usr/bin"}]
