"""Which downloads each standing user may take (``exports.access``): a donor
the indicator values only (aggregates), staff every export (targets too), nobody else any."""

from __future__ import annotations

import pytest

from exports.access import export_for_user, exports_for_user
from tests.access_world import access_world
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db

ALL = {"indicator-values", "assistance-records", "monitoring-visits", "targets"}


@shared_for_module
def world():
    return access_world()


@pytest.mark.parametrize(
    "who, expected",
    [
        ("owner", ALL),
        ("colleague", ALL),
        ("outsider", ALL),
        ("manager", ALL),
        ("donor", {"indicator-values"}),
        ("admin", ALL),
        ("nobody", set()),
        ("anonymous", set()),
    ],
)
def test_exports_for_user(world, who, expected):
    user = world[who]
    assert {export.slug for export in exports_for_user(user)} == expected
    for slug in ALL:
        assert (export_for_user(user, slug) is not None) == (slug in expected)
    assert export_for_user(user, "no-such-export") is None
