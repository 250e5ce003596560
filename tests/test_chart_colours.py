"""The charts' colours live in one file (static/js/chart-colours.json): the
dashboards hand it to dashboard.js and the snapshot PDFs' charts read it, so
a colour changed there changes on the screen and on paper alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

COLOURS_FILE = Path(settings.BASE_DIR) / "static" / "js" / "chart-colours.json"


def colours() -> dict:
    return json.loads(COLOURS_FILE.read_text())


def test_the_pdf_charts_use_the_file():
    from snapshots import charts

    assert charts.PALETTE == colours()["palette"]
    assert charts.ACCENT == colours()["accent"]
    assert charts.MAP_SCALE == colours()["map_scale"]
    assert list(charts.DIVERGING["negative"]) == colours()["diverging"]["negative"]


@pytest.mark.django_db
def test_the_dashboard_page_hands_the_file_to_its_script(admin_client):
    page = admin_client.get(reverse("dashboards:mission"))
    data = json.loads(
        re.search(
            r'<script id="dashboard-data" type="application/json">(.*?)</script>',
            page.content.decode(),
            re.S,
        ).group(1)
    )
    assert data["colours"] == colours()


def test_the_dashboard_script_writes_no_colour_of_its_own():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "dashboard.js").read_text()
    written = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", script)) - {"#fff", "#ffffff"}
    assert written == set()
