"""The dashboards' portfolio fixture, from ``helpers``."""

from tests.indicators.dashboards.helpers import portfolio  # noqa: F401 (the fixture)
