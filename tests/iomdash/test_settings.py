"""Settings fail at start-up with a message naming the bad variable, and the
production settings pass `check --deploy` with no warning."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GOOD_KEY = "k3J9x-Vb7Qp2Lm8Zr5Tn1Wc6Yh4Fd0Gs-aE2uI9oP7lK3jH5gF8dS1aZ4xC6vB"


def start(**overrides):
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
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
        ({"CELERY_TASK_TIME_LIMIT": "ten"}, "CELERY_TASK_TIME_LIMIT='ten' is not an integer"),
    ],
)
def test_bad_values_stop_start_up_with_a_clear_message(urls, overrides, message):
    result = start(**{**urls, **overrides})
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_is_off_unless_asked():
    from iomdash.settings import env_bool

    os.environ.pop("IOMDASH_UNSET_FLAG", None)
    assert env_bool("IOMDASH_UNSET_FLAG", False) is False
