"""The targets export: one row per target the user may read
(``indicators.access.targets_for_user``), with its actual, the percent
reached, the percent of its period gone and "on track" or "behind" on the
``as_of`` day (default today)."""

from __future__ import annotations

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exports.selectors.base import Column, ExportQueryError, Table, _codes, _date
from indicators.access import targets_for_user
from indicators.selectors import target_progress

COLUMNS = [
    Column("indicator_code", _("Indicator")),
    Column("programme_code", _("Programme")),
    Column("project_code", _("Project")),
    Column("period_start", _("Period start")),
    Column("period_end", _("Period end")),
    Column("adm1_code", _("Governorate P-code")),
    Column("adm2_code", _("District P-code")),
    Column("split", _("Split")),
    Column("target", _("Target")),
    Column("actual", _("Actual")),
    Column("target_percent", _("Percent of target")),
    Column("elapsed_percent", _("Percent of period gone")),
    Column("target_status", _("Status")),
    Column("note", _("Note")),
]


def targets_table(*, user, params: QueryDict) -> Table:
    """The targets ``user`` may read, filtered by ``definition`` and
    ``programme`` (codes; a programme also gives its projects' targets), with
    their progress on ``as_of``. The progress is read once for every row
    (``target_progress``: two statements per definition), not per row.
    Raises ExportQueryError for an unreadable date."""
    errors: list = []
    as_of = _date(params, "as_of", errors) or timezone.localdate()
    if errors:
        raise ExportQueryError(errors)
    targets = targets_for_user(user)
    if codes := _codes(params, "definition"):
        targets = targets.filter(definition__code__in=codes)
    if codes := _codes(params, "programme"):
        targets = targets.filter(
            Q(programme__code__in=codes) | Q(project__programme__code__in=codes)
        )
    progress = {
        p.target.pk: p
        for p in target_progress(
            targets.select_related(
                "definition", "programme", "project", "governorate", "district"
            ).defer("governorate__boundary", "district__boundary"),
            as_of=as_of,
        )
    }
    rows = targets.order_by(
        "definition__position", "definition__code", "period_start", "pk"
    ).values_list(
        "pk",
        "definition__code",
        "programme__code",
        "project__code",
        "period_start",
        "period_end",
        "governorate__pcode",
        "district__pcode",
        "split",
        "value",
        "note",
    )

    def shape(row: tuple) -> list:
        pk, *fields, value, note = row
        p = progress.get(pk)
        reached = [p.actual, p.percent, p.elapsed, str(p.status_label)] if p else [None] * 4
        return [*fields, value, *reached, note]

    return Table(COLUMNS, rows, shape)
