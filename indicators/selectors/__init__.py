"""Reads of indicator values. Pages and exports ask these, never the table.

- ``values``: the cells a user may read, running totals, numbers as shown
  (the donor small-count rule);
- ``dashboards``: one selector per dashboard page;
- ``field``: the governorate page's visits, photos, referrals and feedback;
- ``figures``: exact figures as of any day, at any cut (snapshots).

Every name other modules use is importable from here."""

from indicators.periods import quarter_end
from indicators.selectors.dashboards import (
    CONTRIBUTIONS_CODE,
    HEADLINE_CODES,
    MAP_CODE,
    MAP_SERIES,
    PROJECT_STATUS_CODES,
    PROJECTS_LIMIT,
    SERIES_CODE,
    SPLITS_CODE,
    DashboardQuery,
    governorate_dashboard,
    mission_dashboard,
    programme_dashboard,
)
from indicators.selectors.figures import Figure, FigureQuery, figures
from indicators.selectors.values import (
    _DIMENSIONS,
    SMALL_COUNT,
    _Cells,
    _figure,
    _figures,
    _latest,
    _latest_parts,
    _series_figures,
    _suppressed,
    _user_cells,
    default_as_of,
    small_count_hidden,
    small_counts_hidden,
    value_as_of,
    values_for_user,
    values_in_cells,
)

__all__ = [
    "CONTRIBUTIONS_CODE",
    "HEADLINE_CODES",
    "MAP_CODE",
    "MAP_SERIES",
    "PROJECTS_LIMIT",
    "PROJECT_STATUS_CODES",
    "SERIES_CODE",
    "SMALL_COUNT",
    "SPLITS_CODE",
    "_DIMENSIONS",
    "DashboardQuery",
    "Figure",
    "FigureQuery",
    "_Cells",
    "_figure",
    "_figures",
    "_latest",
    "_latest_parts",
    "_series_figures",
    "_suppressed",
    "_user_cells",
    "default_as_of",
    "figures",
    "governorate_dashboard",
    "mission_dashboard",
    "programme_dashboard",
    "quarter_end",
    "small_count_hidden",
    "small_counts_hidden",
    "value_as_of",
    "values_for_user",
    "values_in_cells",
]
