"""The dashboards' tests share the portfolio of the indicator dashboards' tests."""

from tests.indicators.dashboards.helpers import portfolio  # noqa: F401 (the fixture)
