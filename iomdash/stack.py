"""Run the whole stack on one machine: ``python -m iomdash.stack run|test|services|stop``.

- ``run``: start the embedded PostgreSQL and Redis (unless ``DATABASE_URL`` /
  ``REDIS_URL`` are set), migrate, load the demo data on the first run
  (unless ``DEMO_DATA=false``), then run a Celery worker, Celery beat and the
  web server until Ctrl-C or SIGTERM, which stop everything this command
  started: the web server, beat and the worker, then Redis and PostgreSQL.
  A worker or beat that dies is started again after a pause that grows; one
  that keeps dying, or a web server that exits, stops the lot
  (``iomdash.supervise``).
- ``test [pytest args]``: the same services, then pytest; prints pytest's summary
  and its slowest 15 tests (``--durations=15`` unless the arguments ask otherwise).
  Without arguments naming tests, on one process per core (pytest-xdist, at most 4).
- ``bench [--records N]``: the same services, then ``demo.bench``.
- ``services``: start the embedded services and print the URLs to export.
- ``stop``: stop the embedded services.

The embedded servers are started here once and their URLs handed to every
child process through the environment.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[iomdash] {message}", flush=True)


def start_services(started: list[str] | None = None) -> tuple[dict[str, str], list[str]]:
    """Environment for the children, and which embedded services were started
    (appended to ``started`` as each one starts, so that a stop signal during
    start-up still stops what was started)."""
    from iomdash import embedded

    env = dict(os.environ)
    started = [] if started is None else started
    if not env.get("DATABASE_URL"):
        t0 = time.monotonic()
        started.append("postgres")
        env["DATABASE_URL"] = embedded.postgres_url()
        log(
            f"embedded PostgreSQL ready in {time.monotonic() - t0:.1f}s (data in {embedded.DATA_DIR})"
        )
    else:
        log("using DATABASE_URL")
    if not env.get("REDIS_URL"):
        started.append("redis")
        env["REDIS_URL"] = embedded.redis_url()
        log("embedded Redis ready")
    else:
        log("using REDIS_URL")
    return env, started


def stop_services(started: list[str]) -> None:
    from iomdash import embedded

    if "redis" in started:
        embedded.redis_stop()
    if "postgres" in started:
        embedded.postgres_stop()
    if started:
        log("embedded services stopped")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def stale_catalogues(locale_dir: Path = BASE_DIR / "locale") -> list[Path]:
    """The ``.po`` files whose ``.mo`` is missing or older: the ``.mo`` files are
    never committed (they would drift from the ``.po``), so every checkout compiles."""
    stale = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def compile_catalogues(env: dict[str, str]) -> None:
    """Compile the stale catalogues before Django starts (GNU gettext's msgfmt, through
    Django's compilemessages, run without the project's settings: it needs none, so no
    database URL or secret either)."""
    stale = stale_catalogues()
    if not stale:
        return
    if shutil.which("msgfmt") is None:
        # Not a reason to refuse to start: the pages are then in English only.
        log("msgfmt not found: Arabic and Kurdish stay untranslated (apt-get install gettext)")
        return
    log(f"compiling {len(stale)} translation catalogue(s)")
    locales = sorted({po.parent.parent.name for po in stale})
    ignored = [f"--ignore={name}" for name in (".venv", ".data", "node_modules", "static")]
    languages = [f"--locale={code}" for code in locales]
    bare = {name: value for name, value in env.items() if name != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [PYTHON, "-m", "django", "compilemessages", "--verbosity=0", *languages, *ignored],
        cwd=BASE_DIR,
        env=bare,
        check=True,
    )


class Stop(Exception):
    """Raised in the main thread by the first SIGINT, SIGTERM or SIGHUP."""


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def ignore_stop_signals() -> None:
    """From here on, stopping cannot be interrupted: a second Ctrl-C or
    ``kill -TERM`` while the children and services stop is ignored."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def _on_stop_signal(signum, frame) -> None:
    ignore_stop_signals()
    raise Stop(signal.Signals(signum).name)


def run() -> int:
    from iomdash.supervise import Supervisor, stale_processes_stop

    signal.signal(signal.SIGINT, _on_stop_signal)
    signal.signal(signal.SIGTERM, _on_stop_signal)
    signal.signal(signal.SIGHUP, _on_stop_signal)
    supervisor = None
    started: list[str] = []
    try:
        refusal = stale_processes_stop(log=log)
        if refusal:
            log(refusal)
            return 1
        env, _ = start_services(started)
        env.setdefault("DEBUG", "true")
        host = env.get("HOST", "127.0.0.1")
        port = env.get("PORT", "8000")
        compile_catalogues(env)
        manage(env, "migrate", "--noinput")
        if env.get("DEMO_DATA", "true").lower() not in ("0", "false", "no"):
            manage(env, "demo_data", "--if-empty")
        # Started in this order, stopped in the reverse one (web first).
        supervisor = Supervisor(
            {
                "worker": [PYTHON, "-m", "celery", "-A", "iomdash", "worker", "-l", "info", "-c", "2"],
                "beat": [PYTHON, "-m", "celery", "-A", "iomdash", "beat", "-l", "info"],
                "web": [PYTHON, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            },
            env=env,
            restartable=("worker", "beat"),
            log=log,
        )  # fmt: skip
        supervisor.start()
        log(f"serving on http://{host}:{port}/ — press Ctrl-C to stop")
        return supervisor.watch()
    except Stop as stop:
        log(f"{stop.args[0]} received: stopping")
        return 0
    except subprocess.CalledProcessError as exc:
        log(f"set-up step failed: {' '.join(exc.cmd[1:])}")
        return exc.returncode or 1
    finally:
        ignore_stop_signals()
        if supervisor is not None:
            supervisor.stop()
        stop_services(started)
        log("stopped")


# How many of the slowest tests ``make test`` names: the suite must stay under
# 10 minutes on CI's two cores, and the list says where the time went.
SLOWEST = 15


def with_durations(args: list[str]) -> list[str]:
    """pytest's arguments for ``test``: ``args``, with ``--durations=15`` in
    front unless they choose a number of their own."""
    if any(arg == "--durations" or arg.startswith("--durations=") for arg in args):
        return list(args)
    return [f"--durations={SLOWEST}", *args]


# The whole suite runs on one pytest-xdist process per core, at most this many
# (iomdash/settings_test.py gives each its Redis databases; each also migrates a
# test database of its own and may start a Chromium).
MAX_PROCESSES = 4
_XDIST_OPTIONS = ("-n", "--numprocesses", "--dist", "--tx")


def _names_tests(arg: str) -> bool:
    """Whether ``arg`` is a test file, folder or node id (not an option's value)."""
    return not arg.startswith("-") and (BASE_DIR / arg.split("::")[0]).exists()


def with_processes(args: list[str], cores: int | None = None) -> list[str]:
    """pytest's arguments for ``test``: the whole suite (no test named) runs on
    ``-n <cores, at most MAX_PROCESSES> --dist loadscope``, a module's tests on one
    process, since a module may build its data once for its tests
    (``committed_for_module``), in the order of ``LONGEST_FIRST`` in
    tests/conftest.py (``--no-loadscope-reorder``: pytest-xdist would otherwise
    start the modules with the most tests first, and the slowest ones, a class
    or a module of a few long tests, last). Arguments that name tests, or choose processes
    or a plugin (``-n 0``, ``-p no:xdist``), run as they are: one process."""
    if cores is None:
        cores = os.cpu_count() or 1
    chosen = "no:xdist" in "".join(args) or any(
        arg.split("=")[0] in _XDIST_OPTIONS or arg.startswith("-n") for arg in args
    )
    if chosen or cores < 2 or any(_names_tests(arg) for arg in args):
        return list(args)
    return [
        "-n", str(min(cores, MAX_PROCESSES)), "--dist", "loadscope", "--no-loadscope-reorder", *args
    ]  # fmt: skip


def test(args: list[str]) -> int:
    env, started = start_services()
    # Importing this package set DJANGO_SETTINGS_MODULE to the production
    # settings; the suite's own (pyproject.toml) must win (pass --ds to override).
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # The image sets PYTHONDONTWRITEBYTECODE; kept for pytest, it makes each
    # pytest process rewrite the asserts of every test module and of every
    # pytest plugin's package (schemathesis's alone: some 300 modules) again
    # on every run: 25 s of CPU to collect the suite against 11 s with the
    # rewritten modules cached in __pycache__ (ignored by git).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        compile_catalogues(env)
        command = [PYTHON, "-m", "pytest", *with_durations(with_processes(args))]
        return subprocess.run(command, cwd=BASE_DIR, env=env).returncode
    except subprocess.CalledProcessError as exc:
        log(f"set-up step failed: {' '.join(exc.cmd[1:])}")
        return exc.returncode or 1
    finally:
        stop_services(started)


def bench(args: list[str]) -> int:
    env, started = start_services()
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        return subprocess.run([PYTHON, "-m", "demo.bench", *args], cwd=BASE_DIR, env=env).returncode
    finally:
        stop_services(started)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench", "services", "stop"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    if command == "services":
        env, _started = start_services()
        print(f"export DATABASE_URL='{env['DATABASE_URL']}'")
        print(f"export REDIS_URL='{env['REDIS_URL']}'")
        return 0
    from iomdash import embedded

    embedded.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
