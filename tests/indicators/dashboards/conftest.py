"""The dashboards' portfolio fixture, from ``helpers``."""

from tests.indicators.dashboards.helpers import (  # noqa: F401 (the fixtures)
    _portfolio_for_module,
    portfolio,
)
