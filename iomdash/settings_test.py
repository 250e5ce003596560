"""Settings for the test suite: the production settings, with what a test
machine cannot have (HTTPS, a secret, a database and a broker) filled in
before they are read.

``make test`` (``iomdash.stack test``) starts the embedded PostgreSQL and Redis
and passes their URLs; a bare ``pytest`` starts them here. Either way the
settings below see the URLs, as production must (``DEBUG`` is off here too).
"""

import os

if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
    from iomdash import embedded

    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded.postgres_url()
    if not os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = embedded.redis_url()

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-" + "x7Kq2pL9vR4mN8sT1wY6zB3cF5hJ0dG" * 2)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from iomdash.settings import *  # noqa: E402,F403

# Under pytest-xdist each process (PYTEST_XDIST_WORKER: gw0, gw1 ...) has a test
# database of its own (pytest-django names it) and, below, Redis databases of its
# own: 15 and 14 for gw0 or without xdist, 13 and 12 for gw1 ..., never 0 or 1
# (the development stack's). The Celery workers a test starts inherit the variable.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_WORKER_INDEX = int(_XDIST_WORKER.removeprefix("gw") or 0)
if not 0 <= _WORKER_INDEX <= 6:
    raise RuntimeError(
        f"at most 7 pytest-xdist workers (Redis databases 2 to 15), not {_XDIST_WORKER}"
    )

# Django's backend with a faster flush and serialized rollback (tests/pg_backend).
# Commits do not wait for the disk: a test database is thrown away, and the
# suite commits thousands of times (live servers, workers, each flush).
DATABASES["default"]["ENGINE"] = "tests.pg_backend"  # noqa: F405
_options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
_options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Files too: two processes' first import batch or photo would have the same id.
_FILES_SUFFIX = f"-{_XDIST_WORKER}" if _WORKER_INDEX else ""
MEDIA_ROOT = BASE_DIR / ".data" / f"test-media{_FILES_SUFFIX}"  # noqa: F405
IMPORT_ROOT = BASE_DIR / ".data" / f"test-imports{_FILES_SUFFIX}"  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The suite's Celery traffic goes to its own Redis database, so a worker of the
# development stack never answers the suite's pings or takes its tasks.
TEST_BROKER_DB = int(os.environ.get("IOMDASH_TEST_BROKER_DB", str(15 - 2 * _WORKER_INDEX)))
if CELERY_BROKER_URL.startswith("redis+socket://"):  # noqa: F405
    CELERY_BROKER_URL = CELERY_BROKER_URL.split("?")[0] + f"?virtual_host={TEST_BROKER_DB}"  # noqa: F405
else:
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(CELERY_BROKER_URL)  # noqa: F405
    CELERY_BROKER_URL = urlunsplit(_parts._replace(path=f"/{TEST_BROKER_DB}"))

# The dashboards' cache: a Redis database of the suite's own, emptied before
# each test (tests/conftest.py), since a rolled-back test's data stamp can recur.
CACHES["dashboards"]["LOCATION"] = redis_cache_url(  # noqa: F405
    REDIS_URL,  # noqa: F405
    int(os.environ.get("IOMDASH_TEST_CACHE_DB", str(14 - 2 * _WORKER_INDEX))),
)
