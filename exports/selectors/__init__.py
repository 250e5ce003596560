"""What each download holds (who may take which: ``exports.access``).

An export is a ``Table``: its columns (a translated header and the key of its
HXL hashtag, ``exports.hxl``) and a ``values_list`` query read in
chunks through a server-side cursor, never the whole table in memory. Each
export reads through the same access rules as the pages:

- indicator values: for staff every cut of their scope (``values_readable_by``);
  for a donor the cells their dashboards show (``values_for_user``, narrowed
  by governorate or programme), counts from 1 to 4 as "<5", in the split
  columns too;
- assistance records: ``assistance_for_user`` (the API's rule: the records
  of ``projects_for_user`` for staff, a monitor's own visits' lines, no draft for
  a manager), never for donors (aggregates only); no beneficiary's name or
  phone, ever;
- monitoring visits: ``visits_for_user`` (a monitor: their own; a manager:
  their scope's, drafts excepted), without findings or who made the visit;
- targets: ``targets_for_user``, each with its actual and progress, never
  for donors.

Filters come from the query string, under the dashboards' names where they
exist (``programme``, ``donor``, ``governorate`` by code and P-code; records
and visits also by ``district`` P-code, e.g. ``?district=IQG15Q05``). They
only ever narrow what the user may see: a code outside the user's scope
matches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from beneficiaries.models import ActivityType, ReviewStatus
from exports.selectors.base import (
    CHUNK_SIZE,
    TOTAL,
    Column,
    ExportQueryError,
    Role,
    Table,
)
from exports.selectors.records import (
    assistance_records_table,
    visits_table,
)
from exports.selectors.targets import targets_table
from exports.selectors.values import indicator_values_table
from indicators.models import IndicatorDefinition, IndicatorValue
from programmes.access import donors_for_user, programmes_for_user
from programmes.models import Governorate, Sector

__all__ = [
    "CHUNK_SIZE",
    "EXPORTS",
    "TOTAL",
    "Column",
    "Export",
    "ExportQueryError",
    "Table",
    "assistance_records_table",
    "export_choices",
    "indicator_values_table",
    "targets_table",
    "visits_table",
]


@dataclass(frozen=True)
class Export:
    slug: str
    title: str
    description: str
    roles: frozenset
    table: Callable[..., Table]


STAFF = frozenset({Role.ADMIN, Role.MANAGER, Role.MONITOR})
EXPORTS = {
    export.slug: export
    for export in (
        Export(
            "indicator-values",
            _("Indicator values"),
            _(
                "Every figure of the dashboards, per month, per quarter and as running totals, "
                "by governorate, programme and donor, with the splits by sex, age group and "
                "population group."
            ),
            STAFF | {Role.DONOR},
            indicator_values_table,
        ),
        Export(
            "assistance-records",
            _("Assistance records"),
            _(
                "One row per delivery: project, place, activity, date, status, units, "
                "households and people, with the splits by sex, age group and population "
                "group, their two-way crossings and the 32 three-way columns. No beneficiary's "
                "name or phone."
            ),
            STAFF,
            assistance_records_table,
        ),
        Export(
            "monitoring-visits",
            _("Monitoring visits"),
            _(
                "One row per visit: project, place, date, status, when it was submitted and "
                "reviewed, and how many referrals, photos and assistance lines it has. "
                "Without the findings or who made the visit."
            ),
            STAFF,
            visits_table,
        ),
        Export(
            "targets",
            _("Targets"),
            _(
                "One row per target: indicator, programme or project, period, place and "
                "split, with the actual on the day chosen (as_of), the percent of the target "
                "reached, the percent of the period gone, and on track or behind."
            ),
            STAFF,
            targets_table,
        ),
    )
}


def export_choices(user) -> dict:
    """What the export page's filters offer ``user``: the active indicator
    definitions, the 18 governorates, the programmes in their scope, the
    donors (a donor: their own), sectors, activity types, review statuses and
    period types."""
    donors = list(donors_for_user(user).order_by("name"))
    return {
        "definitions": list(
            IndicatorDefinition.objects.filter(is_active=True).only("code", "name", "position")
        ),
        "governorates": list(Governorate.objects.order_by("name_iom").only("pcode", "name_iom")),
        "programmes": list(programmes_for_user(user).order_by("code").only("code", "name")),
        "donors": donors,
        "sectors": list(Sector.objects.order_by("name")),
        "activity_types": list(ActivityType.objects.order_by("name").only("code", "name")),
        "statuses": ReviewStatus.choices,
        "period_types": IndicatorValue.PeriodType.choices,
    }
