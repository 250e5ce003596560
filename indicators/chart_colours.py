"""The charts' colours, for the dashboards (handed to ``static/js/dashboard.js``)
and the snapshot PDFs (``snapshots/charts.py``) alike: one file
(``static/js/chart-colours.json``), and here the colours computed from it, so
that a feedback answer has the same colour on the screen and on paper."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

COLOURS = json.loads((Path(settings.BASE_DIR) / "static" / "js" / "chart-colours.json").read_text())
PALETTE = COLOURS["palette"]
# The diverging scale of a feedback question's answers, ordered negative to
# positive: red at the negative end, grey in the middle, green at the positive end.
DIVERGING = {
    "negative": tuple(COLOURS["diverging"]["negative"]),
    "middle": COLOURS["diverging"]["middle"],
    "positive": tuple(COLOURS["diverging"]["positive"]),
}
# Palette entries dark enough for white text on them.
PALETTE_DARK = (0, 3, 4, 6)


def _mix(light: str, dark: str, f: float) -> str:
    rgb = [
        round(int(light[k : k + 2], 16) * (1 - f) + int(dark[k : k + 2], 16) * f) for k in (1, 3, 5)
    ]
    return "#" + "".join(f"{v:02x}" for v in rgb)


def _scale(t: float) -> tuple[str, bool]:
    """The colour at ``t`` from -1 (most negative, dark red) through 0 (grey)
    to 1 (most positive, dark green), with whether text on it should be white."""
    if abs(t) < 1e-9:
        return DIVERGING["middle"], False
    light, dark = DIVERGING["negative" if t < 0 else "positive"]
    # the answer next to the middle is never as pale as the middle itself
    f = 0.25 + 0.75 * abs(t)
    return _mix(light, dark, f), f > 0.6


def diverging(count: int) -> list[tuple[str, bool]]:
    """``count`` colours from the most negative answer to the most positive,
    each with whether text on it should be white: the first is dark red, the
    last dark green, a middle answer of an odd scale grey."""
    if count <= 1:
        return [(DIVERGING["middle"], False)] * count
    return [_scale(-1 + 2 * i / (count - 1)) for i in range(count)]


def answer_colours(kind: str | None, codes: list) -> list[tuple[str, bool]]:
    """The colours of a question's answers (their ``codes``, in the order
    shown), each with whether text on it should be white. A numeric scale
    (every code a number, 1 the lowest) on the diverging scale by score, in
    whatever order the answers come; another Likert question (``kind``, its
    answers ordered from negative to positive) by position; any other
    question (yes/no, reasons) on the palette."""
    codes = [str(code) for code in codes]
    if len(codes) > 1 and all(code.isdigit() for code in codes):
        scores = [int(code) for code in codes]
        low, high = min(scores), max(scores)
        return [_scale(0 if high == low else -1 + 2 * (s - low) / (high - low)) for s in scores]
    if kind == "likert":
        return diverging(len(codes))
    return [(PALETTE[i % len(PALETTE)], i in PALETTE_DARK) for i in range(len(codes))]
