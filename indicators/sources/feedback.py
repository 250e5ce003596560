"""Feedback responses: approved responses only, counted per project and
month in a cube, with their respondents split by sex, age group and
population group (every feedback definition has splits)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import FeedbackResponse
from indicators.sources import Source, register
from indicators.sources.sql import count_cube, count_facts, count_record_facts, project_triple

TABLE = FeedbackResponse._meta.db_table
CUBE = "_iomdash_cube_feedback"
DATE = "collected_on"


def cube(cursor, ranges, within: str, within_params: list, *, splits: bool) -> None:
    """Count the approved responses per (project, month), with their splits
    (always: they are cheap), into a temporary table."""
    count_cube(cursor, TABLE, DATE, CUBE, ranges, within, within_params, splits=True)


SOURCE = register(
    Source(
        code="feedback",
        label=_("Feedback responses"),
        table=TABLE,
        date_column=DATE,
        measures=frozenset({"records"}),
        splits=lambda definition: True,
        facts=lambda sql: count_facts(sql, CUBE),
        record_facts=lambda sql: count_record_facts(sql, TABLE, DATE),
        cube=cube,
        model=FeedbackResponse,
        day=lambda response: response.collected_on,
        place=project_triple,
    )
)
