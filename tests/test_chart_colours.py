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


def test_a_feedback_answer_has_one_colour_on_the_screen_and_on_paper():
    """The dashboards hand each answer its colour (``feedback_figures``) and
    the PDF's bars take theirs from the same function: a score keeps its
    colour, red to green, whether the scale is shown from its top ("Very
    satisfied" first, as the question lists it) or from its bottom (the PDF);
    other questions take the palette."""
    from indicators.selectors.field import feedback_figures
    from snapshots.pdf import _likert

    top_first = [{"code": str(5 - i), "label": f"a{i}", "count": 10} for i in range(5)]
    (shown,) = feedback_figures(
        [{"survey": "s", "question": "q", "kind": "likert", "total": 50, "options": top_first}],
        protect=False,
    )
    screen = {o["code"]: o["colour"] for o in shown["options"]}
    bottom_first = [{"code": str(i + 1), "label": f"a{i}", "share": 20} for i in range(5)]
    drawn = _likert({"kind": "likert", "answers": bottom_first})["answers"]
    paper = {a["code"]: d["colour"] for a, d in zip(bottom_first, drawn, strict=True)}
    assert screen == paper
    scale = colours()["diverging"]
    assert (paper["1"], paper["3"], paper["5"]) == (
        scale["negative"][1],  # the lowest score: dark red
        scale["middle"],
        scale["positive"][1],  # the highest: dark green
    )
    words = [{"code": c, "label": c, "count": 3} for c in ("yes", "no")]
    (choice,) = feedback_figures(
        [{"survey": "s", "question": "q", "kind": "choice", "total": 6, "options": words}],
        protect=False,
    )
    assert [o["colour"] for o in choice["options"]] == colours()["palette"][:2]
