"""The snapshot PDF holds together on hostile content (18 governorates with long
names, 12 questions of 5 answers, 10-digit figures, a three-page narrative, 10
stories): every word lies inside the page's printable area, no two words are
drawn over each other, and every table row is in the text. Read with poppler's
``pdftotext -bbox-layout``; the pages are kept as PNGs in artifacts/snapshots/."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings

from snapshots.pdf import render_snapshot_pdf
from tests.snapshots.fixtures_hostile import hostile_payload, write_photos
from tests.snapshots.test_pdf import ARTIFACTS, _flat, _require_tools, _run, _text

MM = 72 / 25.4
# What an office printer can print: everything but 5 mm at each edge.
PRINTABLE_INSET = 5 * MM
NS = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory):
    _require_tools()
    root = tmp_path_factory.mktemp("hostile-media")
    with override_settings(MEDIA_ROOT=str(root)):
        write_photos(default_storage)
        data = render_snapshot_pdf(hostile_payload())
    path = tmp_path_factory.mktemp("pdf") / "hostile.pdf"
    path.write_bytes(data)
    out = ARTIFACTS / "hostile"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("page-*.png"):
        old.unlink()
    (ARTIFACTS / "test-hostile.pdf").write_bytes(data)
    _run("pdftoppm", "-r", "50", "-png", str(path), str(out / "page"))
    return path


def _pages(path: Path) -> list[dict]:
    xml = _run("pdftotext", "-bbox-layout", str(path), "-")
    root = ET.fromstring(xml.split("<!DOCTYPE", 1)[0] + xml[xml.index("<html") :])
    pages = []
    for page in root.iter(f"{NS}page"):
        words = [
            (
                float(w.get("xMin")),
                float(w.get("yMin")),
                float(w.get("xMax")),
                float(w.get("yMax")),
                w.text or "",
            )
            for w in page.iter(f"{NS}word")
        ]
        pages.append(
            {"width": float(page.get("width")), "height": float(page.get("height")), "words": words}
        )
    return pages


def test_every_word_lies_inside_the_printable_area(hostile_pdf):
    pages = _pages(hostile_pdf)
    assert len(pages) >= 10
    outside = []
    for number, page in enumerate(pages, 1):
        for x0, y0, x1, y1, text in page["words"]:
            if (
                x0 < PRINTABLE_INSET
                or y0 < PRINTABLE_INSET
                or x1 > page["width"] - PRINTABLE_INSET
                or y1 > page["height"] - PRINTABLE_INSET
            ):
                outside.append((number, text, round(x0), round(y0), round(x1), round(y1)))
    assert not outside, outside[:10]


def _core(box):
    """A word's box without its font's ascent and descent padding (poppler's
    boxes of two lines of tight text overlap by that much) and 0.5 pt aside."""
    x0, y0, x1, y1, text = box
    pad = (y1 - y0) * 0.25
    return (x0 + 0.5, y0 + pad, x1 - 0.5, y1 - pad, text)


def _overlaps(path: Path) -> list[tuple]:
    overlaps = []
    for number, page in enumerate(_pages(path), 1):
        boxes = sorted((_core(w) for w in page["words"]), key=lambda b: b[1])
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if b[1] >= a[3]:
                    break
                if a[0] < b[2] and b[0] < a[2]:
                    overlaps.append((number, a[4], b[4]))
    return overlaps


def test_no_two_words_are_drawn_over_each_other(hostile_pdf):
    overlaps = _overlaps(hostile_pdf)
    assert not overlaps, overlaps[:10]


def test_every_table_row_is_in_the_text(hostile_pdf):
    text = _flat(_text(hostile_pdf))
    payload = hostile_payload()
    rows = [
        row
        for section in payload["sections"]
        for block in section["blocks"]
        if block["type"] == "table"
        for row in block["rows"]
    ]
    assert len(rows) == 51
    for row in rows:
        for cell in row:
            assert cell in text, (row, cell)
    for area in payload["areas"]["values"]:
        assert area["name"] in text and area["display"] in text, area["name"]
    # the long tables continued on the next page with their header repeated
    assert text.count("Preparation phase People reached (cumulative)") >= 3
    assert text.count("Arabic name") >= 2


def test_long_figures_and_every_question_are_printed_whole(hostile_pdf):
    text = _flat(_text(hostile_pdf))
    for display in ("1,234,567,890", "US$ 149,391,000", "9,876,543,210", "4,444,444,444,444"):
        assert display in text, display
    for n in range(1, 13):
        assert f"Question {n}:" in text
    assert text.count("out of 5") == 12
    assert "Fingerprint 3f2a 9c1e 0b77 d4e5" in text
    assert "alert(1)" not in text and "Safe text" in text
    assert len(re.findall(r"Story \d+:", text)) == 10
