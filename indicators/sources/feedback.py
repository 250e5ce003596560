"""Feedback responses: approved responses only, counted per project and
month in a cube, with their respondents split by sex, age group and
population group (every feedback definition has splits)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import FeedbackResponse, MonitoringVisit
from indicators.sources import Source, register
from indicators.sources.sql import Placed, count_cube, count_facts, count_record_facts

TABLE = FeedbackResponse._meta.db_table
CUBE = "_iomdash_cube_feedback"
DATE = "collected_on"
# A response has no place of its own: that of the visit it was collected on,
# else its project's (none for a national or multi-place project: then it
# counts in the "all governorates" figures only).
PLACED = Placed(
    g="COALESCE(v.governorate_id, p.governorate_id)",
    dist="CASE WHEN v.id IS NULL THEN p.district_id ELSE v.district_id END",
    joins=f" LEFT JOIN {MonitoringVisit._meta.db_table} v ON v.id = x.visit_id",
)


def place(response) -> tuple[int | None, int | None, int | None]:
    """(governorate, programme, donor) a response counts in (``PLACED``)."""
    project = response.project
    visit = response.visit if response.visit_id else None
    governorate = visit.governorate_id if visit else project.governorate_id
    return (governorate, project.programme_id, project.donor_id)


def cube(cursor, ranges, within: str, within_params: list, *, splits: bool) -> None:
    """Count the approved responses per (project, month), with their splits
    (always: they are cheap), into a temporary table."""
    count_cube(cursor, TABLE, DATE, CUBE, ranges, within, within_params, splits=True, placed=PLACED)


SOURCE = register(
    Source(
        code="feedback",
        label=_("Feedback responses"),
        table=TABLE,
        date_column=DATE,
        measures=frozenset({"records"}),
        splits=lambda definition: True,
        facts=lambda sql: count_facts(sql, CUBE),
        record_facts=lambda sql: count_record_facts(sql, TABLE, DATE, PLACED),
        cube=cube,
        model=FeedbackResponse,
        day=lambda response: response.collected_on,
        place=place,
    )
)
