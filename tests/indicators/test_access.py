"""Who reads which indicator values (``indicators.access``), for each
standing user. The dashboards' rule (``cells_for_user``, ``values_for_user``)
gives disjoint cells whose values add up; the staff exports' rule
(``values_readable_by``) every row made only of records in scope, at any cut."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indicators.access import cells_for_user, values_for_user, values_readable_by
from indicators.models import IndicatorValue
from tests.access_world import EVERYONE, access_world
from tests.indicators.conftest import define
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db

END = dt.date(2018, 12, 31)


@shared_for_module
def world():
    world = access_world()
    definition = define("units", source="assistance", measure="units")
    cuts = {
        "all": {},
        "kirkuk": {"governorate": world["kirkuk"]},
        "basra": {"governorate": world["basra"]},
        "crp": {"programme": world["crp"]},
        "rrp": {"programme": world["rrp"]},
        "kirkuk/crp": {"governorate": world["kirkuk"], "programme": world["crp"]},
        "basra/rrp": {"governorate": world["basra"], "programme": world["rrp"]},
        "usa": {"donor": world["usa"]},
        "canada": {"donor": world["canada"]},
        "usa/crp": {"donor": world["usa"], "programme": world["crp"]},
    }
    world["cuts"] = {
        IndicatorValue.objects.create(
            definition=definition,
            period_type="cumulative",
            period_end=END,
            value=1,
            computed_at=timezone.now(),
            **cut,
        ).pk: name
        for name, cut in cuts.items()
    }
    return world


def cuts(world, values) -> set[str]:
    return {world["cuts"][pk] for pk in values.values_list("pk", flat=True)}


@pytest.mark.parametrize(
    "who, expected",
    [
        ("owner", {"kirkuk"}),
        ("colleague", {"kirkuk"}),
        ("outsider", {"basra"}),
        ("manager", {"crp"}),
        ("other_manager", {"rrp"}),
        ("donor", {"usa"}),
        ("admin", {"all"}),
        ("nobody", set()),
        ("anonymous", set()),
    ],
)
def test_values_for_user_are_the_dashboards_cells(world, who, expected):
    assert cuts(world, values_for_user(world[who])) == expected
    assert cuts(world, IndicatorValue.objects.filter(cells_for_user(world[who]).q())) == expected


@pytest.mark.parametrize(
    "who, expected",
    [
        ("owner", {"kirkuk", "kirkuk/crp"}),
        ("colleague", {"kirkuk", "kirkuk/crp"}),
        ("outsider", {"basra", "basra/rrp"}),
        ("manager", {"crp", "kirkuk/crp", "usa/crp"}),
        ("other_manager", {"rrp", "basra/rrp"}),
        ("donor", {"usa", "usa/crp"}),
        ("admin", {*"all kirkuk basra crp rrp kirkuk/crp basra/rrp usa canada usa/crp".split()}),
        ("nobody", set()),
        ("anonymous", set()),
    ],
)
def test_values_readable_by_are_every_cut_in_scope(world, who, expected):
    assert cuts(world, values_readable_by(world[who])) == expected


@pytest.mark.parametrize("who", EVERYONE)
def test_the_dashboards_cells_are_within_what_staff_read_in_full(world, who):
    user = world[who]
    dashboard = cuts(world, values_for_user(user))
    if who != "donor":  # a donor's export keeps to the dashboards' cells
        assert dashboard <= cuts(world, values_readable_by(user))
