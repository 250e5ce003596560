"""A snapshot's headline figure may show "of N targeted": the programme's
target for the period that holds the snapshot's day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.models import IndicatorDefinition
from indicators.target_services import target_set
from snapshots import authoring, services
from snapshots.build import snapshot_document
from tests.snapshots.conftest import recompute
from tests.snapshots.test_build import items, write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    monkeypatch.setattr(services, "_render", lambda payload, progress=None: b"%PDF-1.7")


def _target(world, users, start, end, value):
    target_set(
        user=users.manager,
        fields={
            "definition": IndicatorDefinition.objects.get(code="bsp-packages"),
            "programme": world.programme,
            "period_start": start,
            "period_end": end,
            "value": Decimal(value),
        },
    )


def test_a_figure_item_shows_the_programmes_target_when_asked(world, users):
    world.deliver(on=dt.date(2018, 4, 20), households=25, units=25)
    recompute()
    _target(world, users, dt.date(2018, 1, 1), dt.date(2018, 12, 31), 1200)
    _target(world, users, dt.date(2018, 4, 1), dt.date(2018, 6, 30), 300)  # shorter: not shown
    _target(world, users, dt.date(2017, 1, 1), dt.date(2017, 12, 31), 999)  # another year
    series = authoring.series_create(
        programmes=[world.programme], cadence="monthly", user=users.manager
    )
    draft = authoring.snapshot_create(
        series=series,
        period_end=dt.date(2018, 4, 30),
        as_of=dt.date(2018, 4, 30),
        user=users.manager,
    )
    figures = {
        "items": [
            {"ref": "bsp-packages", "target": "yes"},
            {"ref": "bsp-packages governorate=Kirkuk"},
        ]
    }
    write(draft, "local_economies", "figures", figures)
    payload, errors = snapshot_document(draft)
    assert errors == []
    whole = items(payload)[("bsp-packages", None)]
    assert whole["targeted"] == 1200 and whole["targeted_display"] == "1,200"
    assert "targeted" not in items(payload)[("bsp-packages", "Kirkuk")]  # not asked
