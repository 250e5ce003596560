"""The assistance cube is summed by hashing, never by sorting its records
(at 10M records the planner's sort spilled to disk: "Twelfth session" in
docs/performance.md), and the planner's setting for it holds for that
statement alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from indicators.engine.facts import build_cubes
from indicators.sources.assistance import CUBE
from indicators.sources.sql import planner_settings
from tests.factories import ProjectFactory
from tests.indicators.conftest import record


def _enable_sort(cursor) -> str:
    cursor.execute("SHOW enable_sort")
    return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_assistance_cube_is_summed_without_a_sort():
    project = ProjectFactory()
    record(project, on=dt.date(2024, 2, 10), people=4)
    record(project, on=dt.date(2024, 3, 5), people=6)
    seen = {}

    def watch(execute, sql, params, many, context):
        if "CREATE" in sql and CUBE in sql:
            seen["enable_sort"] = _enable_sort(context["cursor"])
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        with connection.execute_wrapper(watch):
            build_cubes(cursor, None, sources={"assistance"}, splits=True)
        assert seen == {"enable_sort": "off"}
        assert _enable_sort(cursor) == "on"
        # The quarter, now that of the month, not a key of its own.
        cursor.execute(f"SELECT m, q, people FROM {CUBE} ORDER BY m")
        assert cursor.fetchall() == [
            (dt.date(2024, 2, 1), dt.date(2024, 1, 1), 4),
            (dt.date(2024, 3, 1), dt.date(2024, 1, 1), 6),
        ]


@pytest.mark.django_db
def test_planner_settings_are_restored_after_the_block_and_after_an_error():
    with connection.cursor() as cursor:
        with planner_settings(cursor, enable_sort="off", enable_hashagg="off"):
            assert _enable_sort(cursor) == "off"
        assert _enable_sort(cursor) == "on"
        cursor.execute("SHOW enable_hashagg")
        assert cursor.fetchone()[0] == "on"

        with pytest.raises(ValueError), planner_settings(cursor, enable_sort="off"):
            raise ValueError
        assert _enable_sort(cursor) == "on"

        # A statement that fails inside: the rollback restores them.
        with pytest.raises(DatabaseError), transaction.atomic():
            with planner_settings(cursor, enable_sort="off"):
                cursor.execute("SELECT 1 / 0")
        assert _enable_sort(cursor) == "on"
