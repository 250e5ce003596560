"""Reads of indicator values. Pages and exports ask these, never the table.

- ``values``: the cells a user may read, running totals, numbers as shown
  (the donor small-count rule);
- ``dashboards``: one selector per dashboard page;
- ``field``: the governorate page's visits, photos, referrals and feedback;
- ``figures``: exact figures as of any day, at any cut (snapshots);
- ``targets``: actual against target, on track or behind.

Every name other modules use is importable from here."""

from indicators.periods import quarter_end
from indicators.selectors.dashboards import (
    MAP_SERIES,
    PROJECTS_LIMIT,
    DashboardQuery,
    DashboardSlots,
    dashboard_slots,
    governorate_dashboard,
    mission_dashboard,
    programme_dashboard,
)
from indicators.selectors.figures import Figure, FigureQuery, figures
from indicators.selectors.stamp import data_stamp
from indicators.selectors.targets import (
    Progress,
    figure_target,
    programme_targets,
    programme_targets_queryset,
    programme_targets_summary,
    target_progress,
    targets_progress_rows,
)
from indicators.selectors.values import (
    SMALL_COUNT,
    default_as_of,
    figure_shown,
    figures_shown,
    is_hidden_small,
    latest_value_parts,
    latest_values,
    series_figures_shown,
    small_count_hidden,
    small_counts_hidden,
    value_as_of,
    values_in_cells,
)

__all__ = [
    "MAP_SERIES",
    "PROJECTS_LIMIT",
    "SMALL_COUNT",
    "DashboardQuery",
    "DashboardSlots",
    "dashboard_slots",
    "data_stamp",
    "Figure",
    "FigureQuery",
    "figure_shown",
    "figures_shown",
    "latest_values",
    "latest_value_parts",
    "series_figures_shown",
    "is_hidden_small",
    "default_as_of",
    "figures",
    "figure_target",
    "governorate_dashboard",
    "mission_dashboard",
    "programme_dashboard",
    "programme_targets",
    "programme_targets_queryset",
    "programme_targets_summary",
    "Progress",
    "target_progress",
    "targets_progress_rows",
    "quarter_end",
    "small_count_hidden",
    "small_counts_hidden",
    "value_as_of",
    "values_in_cells",
]
