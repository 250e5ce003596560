"""The dashboards' tests share the portfolio of the indicator dashboards' tests."""

from tests.indicators.dashboards.helpers import (  # noqa: F401 (the fixtures)
    _portfolio_for_module,
    portfolio,
)
