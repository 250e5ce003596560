"""Monitoring visits: approved visits only, counted per project and month in
a cube; a count of visits or of distinct projects visited. No splits."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import MonitoringVisit
from indicators.sources import Source, register
from indicators.sources.sql import count_cube, count_facts, count_record_facts, record_triple

TABLE = MonitoringVisit._meta.db_table
CUBE = "_iomdash_cube_visits"
DATE = "visit_date"


def cube(cursor, ranges, within: str, within_params: list, *, splits: bool) -> None:
    """Count the approved visits per (project, place, month) into a temporary table."""
    count_cube(cursor, TABLE, DATE, CUBE, ranges, within, within_params, splits=False)


SOURCE = register(
    Source(
        code="visits",
        label=_("Monitoring visits"),
        table=TABLE,
        date_column=DATE,
        measures=frozenset({"records", "projects"}),
        splits=lambda definition: False,
        facts=lambda sql: count_facts(sql, CUBE),
        record_facts=lambda sql: count_record_facts(sql, TABLE, DATE),
        cube=cube,
        model=MonitoringVisit,
        day=lambda visit: visit.visit_date,
        place=record_triple,
    )
)
