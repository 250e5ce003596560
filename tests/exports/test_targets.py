"""The targets download: each target the user may read, with its actual
and whether it is on track on the day asked; none for a donor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.engine import recompute_full
from indicators.target_services import target_set
from tests.access_world import access_world
from tests.exports.conftest import csv_rows, url
from tests.indicators.conftest import define, record
from tests.shared_data import shared_for_module

pytestmark = pytest.mark.django_db


@shared_for_module
def world():
    world = access_world()
    people = define("people", source="assistance", measure="people")
    record(world["krk"], on=dt.date(2018, 2, 1), households=30, people=30)
    recompute_full()
    for programme, value in ((world["crp"], 100), (world["rrp"], 50)):
        target_set(
            user=world["admin"],
            fields={
                "definition": people,
                "programme": programme,
                "period_start": dt.date(2018, 1, 1),
                "period_end": dt.date(2018, 12, 31),
                "value": Decimal(value),
            },
        )
    return world


def test_a_manager_downloads_their_targets_with_progress(client, world):
    client.force_login(world["manager"])
    headers, hashtags, *rows = csv_rows(client.get(url("targets", "csv"), {"as_of": "2018-06-30"}))
    assert headers[:2] == ["Indicator", "Programme"]
    assert "#indicator+target+num" in hashtags and "#status+target" in hashtags
    (row,) = rows  # CRP only: RRP is another manager's
    record_ = dict(zip(headers, row, strict=True))
    assert record_["Programme"] == "CRP" and record_["Target"] == "100.00"
    assert record_["Actual"] == "30.00"
    assert record_["Status"] == "behind"  # 30% with half the year gone


def test_a_donor_cannot_download_targets(client, world):
    client.force_login(world["donor"])
    assert client.get(url("targets", "csv")).status_code in (403, 404)


def test_an_unreadable_day_is_a_400(client, world):
    client.force_login(world["admin"])
    assert client.get(url("targets", "csv"), {"as_of": "soon"}).status_code == 400
