"""Projects: managed records, all of them count, dated by their start. A
count of projects or the sum of their budgets (US$). A change to projects
asks for a full recomputation (``programmes/services.py``), so no ``model``.

A project counts where it works: in each governorate (and district) it
covers, once, and once in "all governorates". A one-place project covers
its place; a multi-place project each place of its coverage
(``programmes.models_coverage.ProjectPlace``): a project covering Kirkuk and
Mosul district counts one in Kirkuk, one in Ninewa (and in Mosul district)
and one, not two, in the whole mission. A national project covers no place
of its own: it counts in "all governorates" only, as the places it works in
are those of its records and visits, which count there themselves.

So its facts repeat a project once per place it covers, beside one row of
no place (``once_per_project``): the engine counts the row of no place in
the cuts of all governorates and the others in their governorate's; the
exact figures count a project once in any cut one of its rows is in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from indicators.sources import Source, register
from indicators.sources.sql import PROJECTS, date_ranges, no_splits
from programmes.models_coverage import ProjectPlace

PLACES = ProjectPlace._meta.db_table

# Every governorate a project covers, once: its own, and those of its coverage
# (a district's governorate among them).
_GOVERNORATES = (
    f"SELECT c.project_id, c.governorate_id AS g FROM {PLACES} c "
    f"UNION SELECT o.id, o.governorate_id FROM {PROJECTS} o WHERE o.governorate_id IS NOT NULL"
)
# Every place a project covers, for the exact figures: each governorate with
# no district, and each district with its governorate.
_PLACES = (
    f"SELECT c.project_id, c.governorate_id AS g, NULL::bigint AS dist FROM {PLACES} c "
    f"UNION SELECT c.project_id, c.governorate_id, c.district_id FROM {PLACES} c "
    f"WHERE c.district_id IS NOT NULL "
    f"UNION SELECT o.id, o.governorate_id, NULL::bigint FROM {PROJECTS} o "
    f"WHERE o.governorate_id IS NOT NULL "
    f"UNION SELECT o.id, o.governorate_id, o.district_id FROM {PROJECTS} o "
    f"WHERE o.district_id IS NOT NULL"
)


def _measure(sql) -> str:
    return "p.budget_usd" if sql.d.measure == "usd" else "1"


def facts(sql) -> tuple[str, list]:
    """The engine's facts, from the table (within the run's date ranges): one
    row of no governorate per project, and one per governorate it covers."""
    where, params = sql.project_filters()
    dates, extra = date_ranges("p.start_date", sql.ranges)
    return (
        f"SELECT w.g, p.programme_id AS pr, p.donor_id AS d, "
        f"date_trunc('month', p.start_date)::date AS m, "
        f"date_trunc('quarter', p.start_date)::date AS q, p.id AS project_id, "
        f"{_measure(sql)} AS v, {no_splits()} FROM {PROJECTS} p "
        f"JOIN (SELECT id AS project_id, NULL::bigint AS g FROM {PROJECTS} "
        f"UNION ALL ({_GOVERNORATES})) w ON w.project_id = p.id WHERE TRUE{where}{dates}",
        params + extra,
    )


def record_facts(sql) -> tuple[str, list]:
    """One row per project and place it covers (and one of no place), for
    the exact figures, which count each project once per cut."""
    where, params = sql.project_filters()
    return (
        f"SELECT p.start_date AS day, w.g, p.programme_id AS pr, p.donor_id AS d, w.dist, "
        f"p.id AS project_id, NULL::bigint[] AS at, {_measure(sql)} AS v, {no_splits()} "
        f"FROM {PROJECTS} p JOIN (SELECT id AS project_id, NULL::bigint AS g, "
        f"NULL::bigint AS dist FROM {PROJECTS} UNION ALL ({_PLACES})) w ON w.project_id = p.id "
        f"WHERE TRUE{where}",
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
        once_per_project=True,
    )
)
