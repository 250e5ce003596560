"""The charts speak the page's language: plotly.js gets a locale built from
our catalogues and Django's formats, right to left for Arabic and Kurdish."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from indicators.engine import recompute_full
from tests.access_world import access_world
from tests.indicators.conftest import define, record

pytestmark = pytest.mark.django_db


def chart_data(client, language: str) -> dict:
    world = access_world()
    define("people-reached", source="assistance", measure="people")
    record(world["krk"], on=dt.date(2018, 2, 1), households=6, people=6)
    recompute_full()
    client.force_login(world["admin"])
    page = client.get(
        reverse("dashboards:programme", args=["CRP"]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


def test_arabic_charts_get_arabic_months_and_read_right_to_left(client):
    locale = chart_data(client, "ar")["locale"]
    assert (locale["name"], locale["rtl"]) == ("ar", True)
    assert (
        locale["format"]["months"][0] == "كانون الثاني"
    )  # as in Iraq (iomdash.formats.month_names)
    assert locale["format"]["days"][0] == "الأحد"  # plotly.js weeks start on Sunday
    assert locale["separators"] == ".,"  # thousands kept (iomdash/formats/ar)
    assert {"Download plot as a PNG", "Zoom in", "Reset axes"} <= set(locale["dictionary"])


def test_english_charts_read_left_to_right(client):
    locale = chart_data(client, "en")["locale"]
    assert (locale["name"], locale["rtl"], locale["format"]["months"][0]) == (
        "en",
        False,
        "January",
    )
    assert locale["format"]["days"][:2] == ["Sunday", "Monday"]
