"""Donor contributions: managed records, all of them count, dated by their
date. Recorded per programme and donor, not per project: their values exist
for "all governorates" only, and no district, project or activity type cut."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from indicators.sources import Source, register
from indicators.sources.sql import date_ranges, no_splits, sql_in
from programmes.models import Contribution

TABLE = Contribution._meta.db_table


def _measure(sql) -> str:
    return "x.amount_usd" if sql.d.measure == "usd" else "1"


def facts(sql) -> tuple[str, list]:
    """The engine's facts, from the table (within the run's date ranges)."""
    where, params = sql_in("x.programme_id", sql.programmes)
    dates, extra = date_ranges("x.date", sql.ranges)
    return (
        f"SELECT NULL::bigint AS g, x.programme_id AS pr, x.donor_id AS d, "
        f"date_trunc('month', x.date)::date AS m, date_trunc('quarter', x.date)::date AS q, "
        f"NULL::bigint AS project_id, {_measure(sql)} AS v, "
        f"{no_splits()} FROM {TABLE} x WHERE TRUE{where}{dates}",
        params + extra,
    )


def record_facts(sql) -> tuple[str, list]:
    """One row per contribution, for the exact figures."""
    where, params = sql_in("x.programme_id", sql.programmes)
    return (
        f"SELECT x.date AS day, NULL::bigint AS g, x.programme_id AS pr, "
        f"x.donor_id AS d, NULL::bigint AS dist, NULL::bigint AS project_id, "
        f"NULL::bigint[] AS at, {_measure(sql)} AS v, {no_splits()} "
        f"FROM {TABLE} x WHERE TRUE{where}",
        params,
    )


SOURCE = register(
    Source(
        code="contributions",
        label=_("Contributions"),
        table=TABLE,
        date_column="date",
        measures=frozenset({"usd", "records"}),
        splits=lambda definition: False,
        facts=facts,
        record_facts=record_facts,
        by_project=False,
        model=Contribution,
        day=lambda contribution: contribution.date,
        place=lambda contribution: (None, contribution.programme_id, contribution.donor_id),
    )
)
