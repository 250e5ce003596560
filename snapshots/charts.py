"""Plotly figures of a snapshot payload, exported to SVG for the PDF (to PNG
when their text is right to left: ``charts_export``).

Every chart is drawn by headless Chromium (kaleido 1.x), started once per
process and kept for the PDFs that follow (``charts_export``); a figure
drawn before is not drawn again. Nothing is fetched from the network:
plotly.js comes from the plotly package, MathJax is off, the governorate
boundaries are the GeoJSON shipped in ``programmes/data/`` and the only
topojson plotly.js may ask for is the copy in ``static/vendor/plotly/topojson/``.

Figures are sized in CSS pixels (1/96 in) at the size they are printed, so a
12-px label in a chart is 9 pt on paper, like the text around it.

Plotly writes numbers with Western digits whatever the language: every
number a chart prints (its percentages, the donut's centre, the axis ticks)
is given as text, formatted here in the digits of the document being drawn
(``programmes.l10n.localise_digits``, active in ``pdf_languages.in_language``).
"""

from __future__ import annotations

import concurrent.futures
import json
import math
import os
import re
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import plotly
import plotly.graph_objects as go
from django.conf import settings
from django.utils.translation import gettext as _

from indicators import chart_colours
from programmes.l10n import digits_active, localise_digits, number_text

from . import charts_export

GEOJSON_PATH = Path(settings.BASE_DIR) / "programmes" / "data" / "iraq_governorates.geojson"
TOPOJSON_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly" / "topojson"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

# The dashboards' colours: one file, read by static/js/dashboard.js too.
COLOURS = chart_colours.COLOURS
INK, MUTED, GRID, ACCENT = (COLOURS[key] for key in ("ink", "muted", "grid", "accent"))
PALETTE = COLOURS["palette"]
DIVERGING = chart_colours.DIVERGING
diverging = chart_colours.diverging
STATUS_COLOURS = {code: COLOURS["status"][code] for code in ("completed", "ongoing", "preparation")}
GENDER_COLOURS = COLOURS["gender"]
FONT = {"family": "Noto Sans, DejaVu Sans, sans-serif", "color": INK, "size": 12}

Progress = Callable[[str], None]


class ChartExportError(RuntimeError):
    """The charts could not be drawn (no Chromium, or Chromium failed)."""


@dataclass
class Chart:
    """A figure printed ``width`` × ``height`` CSS pixels; ``raster`` when
    its text is right to left (drawn as a PNG, see ``charts_export``)."""

    key: str
    figure: go.Figure
    width: int
    height: int
    raster: bool = False

    @property
    def image_format(self) -> str:
        return "png" if self.raster else "svg"


def _layout(**extra) -> dict:
    layout = {
        "font": FONT,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",  # the DRAFT watermark shows through
        "plot_bgcolor": "rgba(0,0,0,0)",
        "showlegend": False,
    }
    layout.update(extra)
    return layout


def _wrap(text: str, width: int) -> str:
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


# After Arabic-Indic digits, a right-to-left mark keeps the percent sign to their
# left, where right-to-left text puts it (the PDF's tables print "%٧٠٫٢"): a chart
# is drawn left to right, which would put it on their right.
_RLM = "\u200f"


def _percent(share: float, decimals: int = 0) -> str:
    """A share as its label prints it, in the document's digits: "70.2%", "٧٠٫٢%"."""
    text = f"{share:.{decimals}f}%" if share >= 1 or not share else f"{share:.1f}%"
    return localise_digits(text) + (_RLM if digits_active() == "arab" else "")


def _ticks(top: float, most: int = 5) -> list[int]:
    """Whole tick values from 0 up to ``top``, at most ``most`` of them, a
    step of 1, 2 or 5 times a power of ten apart (plotly's own choice, made
    here so that their labels can be written in the document's digits)."""
    if top <= 0:
        return [0]
    rough = top / (most - 1)
    power = 10 ** math.floor(math.log10(rough))
    step = max(1, int(next(m * power for m in (1, 2, 5, 10) if m * power >= rough)))
    return list(range(0, int(top) + 1, step))


def usd_short(usd: float) -> str:
    """US$ in the reports' short form: "US$ 19.3 million", "US$ 650,000"."""
    if usd >= 1_000_000:
        return _("US$ %(amount)s million") % {
            "amount": f"{usd / 1_000_000:,.2f}".rstrip("0").rstrip(".")
        }
    return _("US$ %(amount)s") % {"amount": f"{usd:,.0f}"}


# --- the figures -----------------------------------------------------------


def contributions_donut(contributions: dict) -> Chart | None:
    donors = [d for d in contributions.get("donors") or [] if (d.get("usd") or 0) > 0]
    if not donors:
        return None
    figure = go.Figure(
        go.Pie(
            labels=[d["name"] for d in donors],
            values=[d["usd"] for d in donors],
            hole=0.58,
            sort=False,
            direction="clockwise",
            marker={"colors": PALETTE, "line": {"color": "#ffffff", "width": 1.5}},
            texttemplate="%{customdata}",
            customdata=[_percent(d["share"], 1) for d in donors],
            textposition="outside",
            textfont={"size": 12},
        ),
        layout=_layout(
            margin={"l": 40, "r": 40, "t": 30, "b": 30},
            annotations=[
                {
                    # Two short lines fit the hole: "US$ 149.39 million" in one overran it.
                    "text": f"<b>{_percent(100)}</b><br>"
                    + _wrap(localise_digits(usd_short(contributions.get("total_usd") or 0)), 14),
                    "showarrow": False,
                    "font": {"size": 13, "color": INK},
                    "x": 0.5,
                    "y": 0.5,
                }
            ],
        ),
    )
    return Chart("contributions", figure, 300, 280)


@lru_cache(maxsize=1)
def _boundaries() -> dict:
    return json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))


def _label_point(geometry: dict) -> tuple[float, float]:
    """The centroid of a governorate's largest ring (where its name goes)."""
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    best = (0.0, 0.0, 0.0)
    for polygon in polygons:
        ring = polygon[0]
        area = cx = cy = 0.0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
        if area and abs(area) > abs(best[0]):
            best = (area, cx / (3 * area), cy / (3 * area))
    return best[1], best[2]


# A few names would sit on a neighbour's border at the centroid.
_LABEL_NUDGE = {
    "IQG06": (0.35, -0.15),  # Sulaymaniyah
    "IQG07": (0.2, -0.1),  # Babylon
    "IQG08": (0.25, 0.0),  # Baghdad
    "IQG09": (0.0, -0.1),  # Dahuk
    "IQG12": (-0.3, 0.0),  # Kerbala
    "IQG13": (-0.2, 0.0),  # Kirkuk
}


MAP_LABEL_MAX = 14
MAP_SCALE = COLOURS["map_scale"]


def _scale_colour(t: float) -> str:
    for (t0, c0), (t1, c1) in zip(MAP_SCALE, MAP_SCALE[1:], strict=False):
        if t <= t1:
            f = (t - t0) / (t1 - t0)
            rgb = [
                round(int(c0[k : k + 2], 16) * (1 - f) + int(c1[k : k + 2], 16) * f)
                for k in (1, 3, 5)
            ]
            return "#" + "".join(f"{v:02x}" for v in rgb)
    return MAP_SCALE[-1][1]


def map_legend(areas: dict, steps: int = 5) -> list[dict]:
    """The map's colour scale as swatches: colour and value at evenly spaced steps."""
    values = [v.get("value") or 0 for v in (areas or {}).get("values") or []]
    if not values:
        return []
    top = max(values + [1])
    return [
        {"colour": _scale_colour(i / (steps - 1)), "value": round(top * i / (steps - 1))}
        for i in range(steps)
    ]


def areas_map(areas: dict) -> Chart | None:
    values = (areas or {}).get("values") or []
    if not values:
        return None
    geojson = _boundaries()
    features = {f["properties"]["pcode"]: f for f in geojson["features"]}
    shown = [v for v in values if v["pcode"] in features]
    top = max([v["value"] or 0 for v in shown] + [1])
    choropleth = go.Choropleth(
        geojson=geojson,
        featureidkey="properties.pcode",
        locations=[v["pcode"] for v in shown],
        z=[v["value"] or 0 for v in shown],
        zmin=0,
        zmax=top,
        colorscale=MAP_SCALE,
        marker={"line": {"color": "#ffffff", "width": 0.8}},
        # No colour bar: WeasyPrint does not draw SVG gradients. The PDF prints
        # the scale as swatches instead (map_legend).
        showscale=False,
    )
    lons, lats, names, colours = [], [], [], []
    for v in shown:
        if len(v["name"] or "") > MAP_LABEL_MAX:
            continue  # would run over its neighbours: the table beside the map names it
        lon, lat = _label_point(features[v["pcode"]]["geometry"])
        dx, dy = _LABEL_NUDGE.get(v["pcode"], (0.0, 0.0))
        lons.append(lon + dx)
        lats.append(lat + dy)
        names.append(v["name"])
        colours.append("#ffffff" if (v["value"] or 0) > 0.6 * top else INK)
    labels = go.Scattergeo(
        lon=lons,
        lat=lats,
        text=names,
        mode="text",
        textfont={"size": 9, "color": colours},
        hoverinfo="skip",
    )
    figure = go.Figure(
        [choropleth, labels],
        layout=_layout(
            margin={"l": 0, "r": 0, "t": 0, "b": 0},
            geo={
                "visible": False,
                "scope": "asia",  # its topojson is vendored; plotly.js loads it even when hidden
                "lonaxis": {"range": [38.7, 48.7]},
                "lataxis": {"range": [29.0, 37.45]},
                "projection": {"type": "mercator"},
                "bgcolor": "rgba(0,0,0,0)",
            },
        ),
    )
    return Chart("map", figure, 360, 342)


def gender_donut(key: str, split: dict | None) -> Chart | None:
    if not split or not ((split.get("female") or 0) + (split.get("male") or 0)):
        return None
    labels = {"female": _("Female"), "male": _("Male"), "not_recorded": _("Not recorded")}
    keys = [k for k in ("female", "male", "not_recorded") if split.get(k)]
    total = sum(split[k] for k in keys)
    figure = go.Figure(
        go.Pie(
            labels=[labels[k] for k in keys],
            values=[split[k] for k in keys],
            hole=0.55,
            sort=False,
            direction="clockwise",
            marker={
                "colors": [GENDER_COLOURS[k] for k in keys],
                "line": {"color": "#ffffff", "width": 1.5},
            },
            texttemplate="%{customdata}",
            customdata=[_percent(round(100 * split[k] / total)) for k in keys],
            textposition="inside",
            textfont={"color": "#ffffff", "size": 12},
        ),
        layout=_layout(
            showlegend=True,
            legend={
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": -0.02,
                "yanchor": "top",
            },
            margin={"l": 10, "r": 10, "t": 10, "b": 30},
        ),
    )
    return Chart(key, figure, 200, 200)


def population_bars(groups: list[dict]) -> Chart | None:
    if not groups:
        return None
    values = [g["value"] or 0 for g in groups]
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=[_wrap(g["label"], 22) for g in groups],
            x=values,
            text=[localise_digits(str(g["display"])) for g in groups],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": 11},
            marker={"color": [PALETTE[i % len(PALETTE)] for i in range(len(groups))]},
        ),
        layout=_layout(
            margin={"l": 10, "r": 70, "t": 10, "b": 36},
            bargap=0.35,
            xaxis={
                "title": {"text": _("People"), "font": {"size": 11}},
                "gridcolor": GRID,
                "zeroline": False,
                "tickvals": (ticks := _ticks(max(values))),
                "ticktext": [number_text(tick) for tick in ticks],
                "rangemode": "tozero",
            },
            yaxis={"autorange": "reversed", "automargin": True, "ticksuffix": " "},
        ),
    )
    return Chart("population", figure, 430, 60 + 34 * len(groups))


def snapshot_charts(payload: dict) -> list[Chart]:
    """Every chart the PDF of the version-2 ``payload`` shows, keyed for the
    template (a section's gender block is ``section-<i>-block-<j>``)."""
    charts = [
        contributions_donut(payload.get("contributions") or {}),
        areas_map(payload.get("areas") or {}),
    ]
    for i, section in enumerate(payload.get("sections") or []):
        for j, block in enumerate(section.get("blocks") or []):
            if block.get("type") == "gender":
                charts.append(gender_donut(f"section-{i}-block-{j}", block))
    charts.append(population_bars(payload.get("population_groups") or []))
    charts.append(gender_donut("gender", payload.get("gender")))
    return [c for c in charts if c is not None]


# --- export ----------------------------------------------------------------


def chromium_path() -> str | None:
    """Chromium for kaleido: $BROWSER_PATH, else Debian's chromium on the PATH."""
    return (
        os.environ.get("BROWSER_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


_QUOTED_URL = re.compile(r"url\(['\"]#([^'\"]+)['\"]\)")


class ChartExport:
    """The charts of one PDF being drawn in the background, by the process's
    Chromium (``charts_export``: started once, reused by every PDF), an
    identical figure taken from the drawings already made.

    The charts draw while the caller prepares the photos; ``result()`` waits
    for the drawings. Raises ChartExportError when Chromium is missing or
    fails: a PDF without its charts is not a snapshot."""

    def __init__(self, charts: list[Chart]):
        self.total = len(charts)
        self._drawings: dict[str, charts_export.Drawing] = {}
        self._future = None
        self._error: ChartExportError | None = None
        if not charts:
            return
        path = chromium_path()
        if not path:
            self._error = ChartExportError(
                "Chromium not found: install Debian's chromium package or set BROWSER_PATH"
            )
            return
        setup = charts_export.Setup(path, PLOTLY_JS, TOPOJSON_DIR.as_uri() + "/")
        self._keys = {
            c.key: charts_export.DrawingCache.key(
                c.figure, c.width, c.height, setup, c.image_format
            )
            for c in charts
        }
        jobs = []
        for chart in charts:
            drawing = charts_export.DRAWINGS.get(self._keys[chart.key])
            if drawing is None:
                jobs.append(
                    charts_export.Job(
                        chart.key, chart.figure, chart.width, chart.height, chart.image_format
                    )
                )
            else:
                self._drawings[chart.key] = drawing
        if jobs:
            self._future = charts_export.CHROMIUM.draw(jobs, setup, self._drawn)

    @property
    def done(self) -> int:
        return len(self._drawings)

    def _drawn(self, key: str, drawing: charts_export.Drawing) -> None:
        if isinstance(drawing, str):
            # plotly.js writes fill: url('#gradient'); WeasyPrint's SVG renderer wants it unquoted.
            drawing = _QUOTED_URL.sub(r"url(#\1)", drawing)
        charts_export.DRAWINGS.put(self._keys[key], drawing)
        self._drawings[key] = drawing

    def result(
        self, *, on_chart: Callable[[int], None] | None = None
    ) -> dict[str, charts_export.Drawing]:
        """Each chart's drawing by key, SVG text or PNG bytes (``Chart.raster``);
        ``on_chart(done)`` is called in the caller's thread as charts are drawn."""
        if self._error is not None:
            raise self._error
        reported = 0
        try:
            while True:
                finished = self._future is None
                if not finished:
                    try:
                        self._future.result(timeout=0.1)
                        finished = True
                    except concurrent.futures.TimeoutError:
                        pass
                while on_chart and reported < self.done:
                    reported += 1
                    on_chart(reported)
                if finished:
                    return dict(self._drawings)
        except ChartExportError:
            raise
        except Exception as error:  # kaleido/choreographer raise many kinds
            raise ChartExportError(f"Could not draw the snapshot charts: {error}") from error


def export_charts(charts: list[Chart]) -> dict[str, charts_export.Drawing]:
    """Each chart's drawing by key (see ``ChartExport``)."""
    return ChartExport(charts).result()
