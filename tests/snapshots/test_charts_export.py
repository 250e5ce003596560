"""The snapshot charts' Chromium: started once per process and reused by the
PDFs that follow, started again when it has died, and never asked twice for
the same figure.

Outside CI a missing Chromium skips these tests; in CI (CI=true) it fails them."""

from __future__ import annotations

import os
import re
import signal
import struct
import time

import pytest

from snapshots import charts as snapshot_charts
from snapshots import charts_export


@pytest.fixture(autouse=True)
def chromium():
    if not snapshot_charts.chromium_path():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is missing for the snapshot chart tests")
        pytest.skip("chromium is missing")
    charts_export.DRAWINGS.clear()
    yield charts_export.CHROMIUM
    charts_export.DRAWINGS.clear()


def _donut(female: int, male: int):
    return snapshot_charts.gender_donut("gender", {"female": female, "male": male})


def _bars(people: int):
    return snapshot_charts.population_bars(
        [{"label": "IDPs", "value": people, "display": f"{people:,}"}]
    )


def _same_drawing(svg: str) -> str:
    """The SVG without the random ids plotly.js gives its elements."""
    return re.sub(r"(defs-|legend|clip|topojson)[0-9a-z]+", "", svg)


def test_the_pdfs_of_a_process_share_one_chromium(chromium):
    before = chromium.starts
    first = snapshot_charts.export_charts([_donut(3, 2)])
    second = snapshot_charts.export_charts([_donut(5, 1), _bars(1200)])
    assert chromium.starts - before <= 1
    assert list(chromium.pids())  # still running, for the next PDF
    assert "60%" in first["gender"] and "83%" in second["gender"]
    assert "1,200" in second["population"]


def test_a_dead_chromium_is_started_again(chromium):
    snapshot_charts.export_charts([_donut(3, 2)])
    [pid] = chromium.pids()
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pid in chromium.pids() and time.monotonic() < deadline:
        time.sleep(0.1)
    starts = chromium.starts
    svgs = snapshot_charts.export_charts([_donut(4, 1)])
    assert "80%" in svgs["gender"]
    assert chromium.starts == starts + 1
    assert list(chromium.pids()) != [pid]


def test_an_identical_figure_is_not_drawn_again(chromium):
    drawn = snapshot_charts.export_charts([_donut(3, 2), _bars(700)])
    chromium.close()  # a figure drawn before needs no browser
    starts = chromium.starts
    again = snapshot_charts.export_charts([_donut(3, 2), _bars(700)])
    assert again == drawn
    assert chromium.starts == starts
    assert not list(chromium.pids())
    # A figure that differs in anything is drawn.
    changed = snapshot_charts.export_charts([_donut(3, 2), _bars(701)])
    assert chromium.starts == starts + 1
    assert "701" in changed["population"] and changed["gender"] == drawn["gender"]


def test_charts_drawn_one_after_another_equal_charts_drawn_alone(chromium):
    """The page is not reloaded between the charts of one PDF: each is
    still drawn as on a fresh page."""
    together = snapshot_charts.export_charts([_bars(900), _donut(3, 2)])
    charts_export.DRAWINGS.clear()
    chromium.close()
    alone = snapshot_charts.export_charts([_donut(3, 2)])
    assert _same_drawing(together["gender"]) == _same_drawing(alone["gender"])


def test_a_right_to_left_chart_is_drawn_as_a_png_and_cached_apart(chromium):
    svg_chart, png_chart = _donut(3, 2), _donut(3, 2)
    png_chart.raster = True
    drawn = snapshot_charts.export_charts([png_chart])
    png = drawn["gender"]
    assert png.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (200 * charts_export.RASTER_SCALE, 200 * charts_export.RASTER_SCALE)
    # The same figure as a vector drawing is another drawing, not the PNG.
    svg = snapshot_charts.export_charts([svg_chart])["gender"]
    assert isinstance(svg, str) and "60%" in svg
    assert snapshot_charts.export_charts([png_chart])["gender"] == png
