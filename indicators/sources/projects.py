"""Projects: managed records, all of them count, dated by their start. A
count of projects or the sum of their budgets (US$). A change to projects
asks for a full recomputation (``programmes/services.py``), so no ``model``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from indicators.sources import Source, register
from indicators.sources.sql import PROJECT_PLACE, PROJECTS, date_ranges, no_splits


def _measure(sql) -> str:
    return "p.budget_usd" if sql.d.measure == "usd" else "1"


def facts(sql) -> tuple[str, list]:
    """The engine's facts, from the table (within the run's date ranges)."""
    where, params = sql.project_filters()
    dates, extra = date_ranges("p.start_date", sql.ranges)
    return (
        f"SELECT p.governorate_id AS g, p.programme_id AS pr, p.donor_id AS d, "
        f"date_trunc('month', p.start_date)::date AS m, "
        f"date_trunc('quarter', p.start_date)::date AS q, p.id AS project_id, "
        f"{_measure(sql)} AS v, {no_splits()} FROM {PROJECTS} p WHERE TRUE{where}{dates}",
        params + extra,
    )


def record_facts(sql) -> tuple[str, list]:
    """One row per project, for the exact figures."""
    where, params = sql.project_filters()
    return (
        f"SELECT p.start_date AS day, {PROJECT_PLACE}, NULL::bigint[] AS at, {_measure(sql)} AS v, "
        f"{no_splits()} FROM {PROJECTS} p WHERE TRUE{where}",
        params,
    )


SOURCE = register(
    Source(
        code="projects",
        label=_("Projects"),
        table=PROJECTS,
        date_column="start_date",
        measures=frozenset({"records", "usd"}),
        splits=lambda definition: False,
        facts=facts,
        record_facts=record_facts,
        record_unit="projects",
    )
)
