"""Each test process's database is a copy of a template migrated once for
today's migrations (tests/db_template.py), named after them: a changed
migration, data file or lock is migrated afresh, never served stale."""

from __future__ import annotations

import shutil

import pytest
from django.db import connection

from tests.db_template import BASE_DIR, migrations_digest


def _copy(tmp_path):
    copy = tmp_path / "project"
    for folder in ("programmes/migrations", "programmes/data"):
        shutil.copytree(BASE_DIR / folder, copy / folder)
    shutil.copy(BASE_DIR / "requirements.lock", copy / "requirements.lock")
    return copy


@pytest.mark.parametrize(
    "edited",
    [
        "programmes/migrations/0001_initial.py",
        "programmes/migrations/0099_new.py",
        "programmes/data/iraq_governorates.csv",
        "requirements.lock",
    ],
)
def test_a_changed_migration_data_file_or_lock_names_another_template(tmp_path, edited):
    copy = _copy(tmp_path)
    before = migrations_digest(copy)
    assert migrations_digest(copy) == before  # the same files, the same name
    with open(copy / edited, "a") as handle:
        handle.write("\n# edited\n")
    assert migrations_digest(copy) != before


def test_the_test_database_was_copied_from_the_template_of_todays_migrations(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'test_%%_template_%%'")
        templates = [row[0] for row in cursor.fetchall()]
    # One template, today's (older ones are dropped when a new one is built).
    assert len(templates) == 1 and templates[0].endswith(f"_template_{migrations_digest()}")
