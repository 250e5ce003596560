"""Run the whole stack on one machine: ``python -m iomdash.stack run|test|services|stop``.

- ``run``: start the embedded PostgreSQL and Redis (unless ``DATABASE_URL`` /
  ``REDIS_URL`` are set), migrate, load the demo data on the first run, then
  run a Celery worker, Celery beat and the web server until Ctrl-C, which
  stops everything this command started.
- ``test [pytest args]``: the same services, then pytest; prints pytest's summary.
- ``bench [--records N]``: the same services, then ``demo.bench``.
- ``services``: start the embedded services and print the URLs to export.
- ``stop``: stop the embedded services.

The embedded servers are started here once and their URLs handed to every
child process through the environment.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[iomdash] {message}", flush=True)


def start_services() -> tuple[dict[str, str], list[str]]:
    """Environment for the children, and which embedded services were started."""
    from iomdash import embedded

    env = dict(os.environ)
    started = []
    if not env.get("DATABASE_URL"):
        t0 = time.monotonic()
        env["DATABASE_URL"] = embedded.postgres_url()
        started.append("postgres")
        log(
            f"embedded PostgreSQL ready in {time.monotonic() - t0:.1f}s (data in {embedded.DATA_DIR})"
        )
    else:
        log("using DATABASE_URL")
    if not env.get("REDIS_URL"):
        env["REDIS_URL"] = embedded.redis_url()
        started.append("redis")
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


def run() -> int:
    env, started = start_services()
    env.setdefault("DEBUG", "true")
    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "8000")
    children: list[subprocess.Popen] = []
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "demo_data", "--if-empty")
        commands = {
            "worker": [PYTHON, "-m", "celery", "-A", "iomdash", "worker", "-l", "info", "-c", "2"],
            "beat": [PYTHON, "-m", "celery", "-A", "iomdash", "beat", "-l", "info"],
            "web": [PYTHON, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
        }
        for name, command in commands.items():
            # Own session: Ctrl-C reaches only this process, which then stops
            # the children in order instead of racing them.
            children.append(
                subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
            )
            log(f"started {name} (pid {children[-1].pid})")
        log(f"serving on http://{host}:{port}/ — press Ctrl-C to stop")
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        log("a process exited; stopping the others")
        return 1
    except KeyboardInterrupt:
        log("stopping")
        return 0
    except subprocess.CalledProcessError as exc:
        log(f"set-up step failed: {' '.join(exc.cmd[1:])}")
        return exc.returncode or 1
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        stop_services(started)


def test(args: list[str]) -> int:
    env, started = start_services()
    # Importing this package set DJANGO_SETTINGS_MODULE to the production
    # settings; the suite's own (pyproject.toml) must win (pass --ds to override).
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        return subprocess.run([PYTHON, "-m", "pytest", *args], cwd=BASE_DIR, env=env).returncode
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
