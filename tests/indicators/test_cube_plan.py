"""The cubes are summed by hashing, never by sorting their records (at 10M
records the planner's sort spilled to disk), with parallel workers (the
planner kept visits and feedback on one core): "Twelfth session" in
docs/performance.md. The planner's settings for them hold for the cubes alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from indicators.engine.facts import build_cubes
from indicators.sources.assistance import CUBE
from indicators.sources.feedback import CUBE as FEEDBACK
from indicators.sources.sql import planner_settings
from indicators.sources.visits import CUBE as VISITS
from tests.factories import ProjectFactory
from tests.indicators.conftest import record


def _enable_sort(cursor) -> str:
    cursor.execute("SHOW enable_sort")
    return cursor.fetchone()[0]


def _settings(cursor) -> tuple[str, str]:
    cursor.execute("SELECT current_setting('enable_sort'), current_setting('parallel_tuple_cost')")
    return cursor.fetchone()


@pytest.mark.django_db
def test_the_cubes_are_hashed_and_on_both_cores():
    project = ProjectFactory()
    record(project, on=dt.date(2024, 2, 10), people=4)
    record(project, on=dt.date(2024, 3, 5), people=6)
    seen = {}

    def watch(execute, sql, params, many, context):
        for cube in (CUBE, VISITS, FEEDBACK):
            if "CREATE" in sql and cube in sql:
                seen[cube] = _settings(context["cursor"])
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        before = _settings(cursor)
        with connection.execute_wrapper(watch):
            build_cubes(cursor, None, sources={"assistance", "visits", "feedback"}, splits=True)
        assert seen == {cube: ("off", "0.001") for cube in (CUBE, VISITS, FEEDBACK)}
        assert _settings(cursor) == before == ("on", "0.1")
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
