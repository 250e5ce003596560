"""The test database of each pytest process (pytest-xdist's gw0, gw1 ... or the
only one) is a copy of a template database, migrated once and kept between runs
under a name that says what it was migrated from: the migrations, the data
files they load and the locked packages (Django's and the other apps' own
migrations). Migrating takes about a minute on a loaded two-core machine; a
copy takes a second. A changed migration, data file or lock names another
template, which is migrated afresh (and the older ones dropped).

``tests/conftest.py`` calls ``database_clone`` before pytest-django sets
up the test database, which then finds it there (``keepdb``): it runs
``migrate`` (nothing to apply) and serializes the contents for the
transactional tests, as for a new database."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.lock", "requirements-dev.lock")


def migrations_digest(base_dir: Path = BASE_DIR) -> str:
    """A digest of what a migrated database depends on: every app's
    migrations and data files (the data migrations load them) and the locks."""
    digest = hashlib.sha256()
    files = [*base_dir.glob("*/migrations/*.py"), *base_dir.glob("*/data/*")]
    files += [base_dir / name for name in LOCKS if (base_dir / name).exists()]
    for path in sorted(files):
        digest.update(str(path.relative_to(base_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


@contextlib.contextmanager
def _lock():
    """One process at a time builds the template or copies it: PostgreSQL
    refuses to copy a database someone is connected to."""
    folder = BASE_DIR / ".data"
    folder.mkdir(exist_ok=True)
    with open(folder / ".test-template.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate(connection, name: str) -> None:
    """``manage.py migrate`` into a new database ``name``, in a child process so
    that this one's connections and app registry are left as they are."""
    from tests.conftest import database_url_for

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "iomdash.settings_test",
        "DATABASE_URL": database_url_for({**connection.settings_dict, "NAME": name}),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--run-syncdb", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"migrating the template failed:\n{done.stderr[-3000:]}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def template_name(connection) -> str:
    """The name of the migrated template for today's migrations (``connection``
    named for the development database, as before the test database is set up)."""
    return f"test_{connection.settings_dict['NAME']}_template_{migrations_digest()}"


def template_in_use(connection) -> str:
    """The name of the template the test database of ``connection`` was
    copied from; the test database's own without one (``--create-db``)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            ["%\\_template\\_" + migrations_digest()],
        )
        row = cursor.fetchone()
    return row[0] if row else connection.settings_dict["NAME"]


def database_clone(connection) -> str:
    """Make the test database of ``connection`` (its ``TEST`` name, with
    pytest-xdist's suffix) a copy of the template, migrating the template
    first if there is none for today's migrations; its name."""
    test_name = connection.creation._get_test_db_name()
    template = template_name(connection)
    prefix = template.removesuffix(migrations_digest())
    with _lock(), connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
        present = {row[0] for row in cursor.fetchall()}
        if template not in present:
            for stale in present:  # older migrations' templates, and a half-built one
                cursor.execute(f"DROP DATABASE {_quote(stale)} WITH (FORCE)")
            building = template + "_new"
            cursor.execute(f"CREATE DATABASE {_quote(building)}")
            _migrate(connection, building)
            cursor.execute(f"ALTER DATABASE {_quote(building)} RENAME TO {_quote(template)}")
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(test_name)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {_quote(test_name)} TEMPLATE {_quote(template)}")
    return test_name


def database_drop(connection, name: str) -> None:
    """Drop the copy at the end of the session (the template stays)."""
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
