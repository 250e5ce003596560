"""Snapshots printed in Arabic and in both languages: right to left, shaped,
in Arabic words and digits, and holding together on the page.

- The hostile payload in Arabic: every word inside the printable area, no
  two words over each other (``test_pdf_geometry``'s checks).
- The demo's quarterly draft with its Arabic written (``demo.snapshot_content_ar``),
  printed in Arabic and bilingual: its text (pdftotext) reads in order, each
  Arabic line runs right to left (pdftotext -bbox), English then Arabic
  section by section. The pages are kept as PNGs in artifacts/snapshots/arabic/.
- The demo's published snapshots, printed: their PDFs carry the fingerprint
  sealed at publish and the verification address and hold together on the
  page; kept as PNGs in artifacts/snapshots/demo/. Here, not in a module of
  their own, so the demo is loaded once for the three tests that print it."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone

from demo import generate as demo
from demo.indicators import demo_definitions_ensure
from demo.snapshot_content_ar import QUARTERLY as QUARTERLY_AR
from demo.snapshot_content_ar import arabic_write
from demo.snapshots import demo_snapshots_ensure
from demo.targets import demo_targets_ensure
from indicators.engine import recompute_full
from snapshots.build import snapshot_document
from snapshots.charts_export import RASTER_SCALE
from snapshots.fingerprint import fingerprint_display, snapshot_fingerprint
from snapshots.models import Snapshot
from snapshots.pdf import render_snapshot_pdf
from tests.shared_data import shared_for_module
from tests.snapshots.fixtures_hostile import hostile_payload, write_photos
from tests.snapshots.test_pdf import ARTIFACTS, _flat, _require_tools, _run, _text
from tests.snapshots.test_pdf_geometry import PRINTABLE_INSET, _overlaps, _pages

OUT = ARTIFACTS / "arabic"
PARAGRAPH = (
    "دعمت المنظمة الدولية للهجرة (IOM) أصحاب المشاريع الصغيرة في قضاء الموصل (IQG15Q02) "
    "وفي ناحية القيارة، بالتعاون مع Save the Children UK، وأعادت فتح المحالّ في السوق القديم. "
)


def _plain(text: str) -> str:
    """pdftotext's text without the embedding marks it puts around right-to-left runs."""
    return _flat(re.sub("[\u202a-\u202e]", "", text))


def _words(text: str) -> str:
    """Only the words of ``text``, in order: poppler gives a tanween or a
    shadda as a word of its own beside its letter, and a colon at the edge
    of a right-to-left run where it was drawn."""
    text = re.sub("[\u202a-\u202e\u064b-\u065f\u0670]", "", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _lead(title: str) -> str:
    """The first two words of an Arabic title: poppler may give the rest of a
    line out of order (runs around a colon in their visual order, a tanween
    on a line of its own)."""
    return " ".join(_words(title).split()[:2])


def _overlaps_arabic(path) -> list[tuple]:
    """``_overlaps``, but for the marks poppler extracts as words of their own
    (a tanween, a shadda) where they sit, on their letter."""
    marks = re.compile("^[\u064b-\u065f\u0670]+$")
    return [o for o in _overlaps(path) if not (marks.match(o[1]) or marks.match(o[2]))]


def _png(path, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{name}-*.png"):
        old.unlink()
    (ARTIFACTS / f"{name}.pdf").write_bytes(path.read_bytes())
    _run("pdftoppm", "-r", "50", "-png", str(path), str(OUT / name))


def _arabic_hostile() -> dict:
    """The hostile payload as an Arabic document: Arabic narratives and
    stories full of English names and P-codes, Arabic-Indic digits."""
    payload = hostile_payload(language="ar", digits="arab", title="تقرير " + "طويل جداً " * 12)
    long, stories, _tables = payload["sections"]
    long["title"] = "الاقتصادات المحلية: قسم يمتد سرده على ثلاث صفحات"
    long["blocks"][0]["html"] = "".join(
        f'<p>{PARAGRAPH * 3}<span class="ref">٩١٨*</span> مستفيداً في القيارة.</p>'
        for _ in range(20)
    )
    for n, story in enumerate(stories["blocks"]):
        story["title"] = f"القصة {n + 1}: محلّ يعيد فتح أبوابه في السوق القديم بعد ثلاث سنوات"
        story["text"] = f"<p>{PARAGRAPH * 2}</p><p><strong>سربست</strong> يشغّل الآن متدربَين.</p>"
    return payload


@pytest.fixture(scope="module")
def arabic_hostile_pdf(tmp_path_factory):
    _require_tools()
    root = tmp_path_factory.mktemp("hostile-ar-media")
    with override_settings(MEDIA_ROOT=str(root)):
        write_photos(default_storage)
        data = render_snapshot_pdf(_arabic_hostile())
    path = tmp_path_factory.mktemp("pdf") / "hostile-ar.pdf"
    path.write_bytes(data)
    _png(path, "hostile-ar")
    return path


def test_the_arabic_hostile_document_stays_inside_the_page_without_overlaps(arabic_hostile_pdf):
    pages = _pages(arabic_hostile_pdf)
    assert len(pages) >= 10
    outside = [
        (number, text)
        for number, page in enumerate(pages, 1)
        for x0, y0, x1, y1, text in page["words"]
        if x0 < PRINTABLE_INSET
        or y0 < PRINTABLE_INSET
        or x1 > page["width"] - PRINTABLE_INSET
        or y1 > page["height"] - PRINTABLE_INSET
    ]
    assert not outside, outside[:10]
    overlaps = _overlaps_arabic(arabic_hostile_pdf)
    assert not overlaps, overlaps[:10]


def test_the_arabic_document_speaks_arabic_in_its_digits(arabic_hostile_pdf):
    text = _plain(_text(arabic_hostile_pdf))
    for words in ("مساهمات الجهات المانحة", "مناطق التنفيذ", "ملاحظات"):
        assert words in text, words
    assert "Donor contributions" not in text and "Areas of implementation" not in text
    # The page numbers in Arabic-Indic digits (poppler gives the line in its
    # visual order: "١٥ / ١" is page 1 of 15), English names and P-codes as written.
    assert re.search(r"[١-٩][٠-٩] / ١ ", text)
    assert "IQG15Q02" in text and "Save the Children UK" in text


@shared_for_module
def demo_draft() -> Snapshot:
    """The demo's quarterly draft: the demo is loaded once for the module's
    three tests (``tests/shared_data.py``), each printing it. As
    ``manage.py demo_data`` loads it, but smaller (as ``tests/demo``'s: what
    the snapshots print does not depend on its size, and the full one took
    half of the module's setup)."""
    demo.demo_load(seed=demo.DEFAULT_SEED, log=lambda _m: None, n_records=1500, n_visits=300)
    demo_definitions_ensure()
    recompute_full(progress=lambda *_: None)
    demo_targets_ensure(as_of=demo.AS_OF)
    demo_snapshots_ensure(last_quarter_end=demo.AS_OF)
    return Snapshot.objects.get(status="draft", series__cadence="quarterly")


def _demo_pdf(snapshot: Snapshot, language: str, tmp_path, name: str):
    arabic_write(snapshot=snapshot, language=language)
    snapshot.refresh_from_db()
    payload, errors = snapshot_document(
        snapshot, status="published", published_at=timezone.localtime()
    )
    assert errors == []
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render_snapshot_pdf(payload))
    _png(path, name)
    return payload, path


def _drawn_images(path) -> list[tuple[int, int]]:
    """The size of each image of the PDF that is not a photo (the photos are
    JPEGs): the charts drawn as PNGs, in device pixels."""
    rows = _run("pdfimages", "-list", str(path)).splitlines()[2:]
    return [
        (int(cols[3]), int(cols[4]))
        for cols in (row.split() for row in rows)
        if cols[2] == "image" and cols[9] != "jpeg"
    ]


MAP_PNG = (360 * RASTER_SCALE, 342 * RASTER_SCALE)  # snapshots.charts.areas_map


def _right_to_left(path, first: str, second: str) -> bool | None:
    """Whether, on the first line holding both words, ``first`` is to the
    right of ``second`` (None when no line holds both). poppler's -bbox gives
    an Arabic word's letters in drawing order, left to right: reversed."""
    for page in _pages(path):
        found = {}
        for x0, y0, _x1, _y1, word in page["words"]:
            for key in (first, second):
                if word in (key, key[::-1]):
                    found.setdefault(key, []).append((round(y0), x0))
        for y, x in found.get(first, []):
            beside = [x2 for y2, x2 in found.get(second, []) if abs(y2 - y) <= 1]
            if beside:
                return x > beside[0]
    return None


@pytest.mark.django_db
def test_the_demo_in_arabic_reads_right_to_left_in_order(demo_draft, tmp_path):
    _require_tools()
    payload, path = _demo_pdf(demo_draft, "ar", tmp_path, "demo-quarterly-ar")
    text = _words(_text(path))
    titles = [_lead(QUARTERLY_AR[s["key"]]["title"]) for s in payload["sections"]]
    positions = [text.find(title) for title in titles]
    assert -1 not in positions, list(zip(titles, positions, strict=True))
    assert positions == sorted(positions)  # the sections in their order, each title whole
    assert "تعزز المنظمة بناء رأس المال البشري" in text
    assert "Enhancing Human Capital" not in text
    # "تعزيز رأس المال البشري": its first word is drawn to the right of the second.
    assert _right_to_left(path, "تعزيز", "رأس") is True
    assert _right_to_left(path, "مساهمات", "الجهات") is True
    # Its charts are drawn by Chromium as images: WeasyPrint would draw an
    # SVG's Arabic labels with their letters unjoined.
    assert MAP_PNG in _drawn_images(path)
    for page in _pages(path):
        for x0, y0, x1, y1, word in page["words"]:
            assert PRINTABLE_INSET <= x0 and x1 <= page["width"] - PRINTABLE_INSET, word
            assert PRINTABLE_INSET <= y0 and y1 <= page["height"] - PRINTABLE_INSET, word
    assert not _overlaps_arabic(path)


@pytest.mark.django_db
def test_the_demo_bilingual_prints_each_section_in_english_then_in_arabic(demo_draft, tmp_path):
    _require_tools()
    payload, path = _demo_pdf(demo_draft, "en+ar", tmp_path, "demo-quarterly-bilingual")
    text = _words(_text(path))
    order = []
    for section in payload["sections"]:
        order += [_words(section["title"]), _lead(QUARTERLY_AR[section["key"]]["title"])]
    positions = [text.find(title) for title in order]
    assert -1 not in positions, list(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    assert -1 < text.find("Donor contributions") < text.find("مساهمات الجهات المانحة")
    assert not _overlaps_arabic(path)
    # The Arabic part's map is an image, the English part's a vector drawing.
    assert _drawn_images(path).count(MAP_PNG) == 1


@pytest.mark.django_db
def test_demo_snapshots_print_their_fingerprint_and_hold_together(demo_draft, tmp_path):
    _require_tools()
    snapshots = list(
        Snapshot.objects.filter(status="published").select_related("series").order_by("period_end")
    )
    assert len(snapshots) == 5  # two quarters and three months
    out = ARTIFACTS / "demo"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    for snapshot in snapshots:
        assert snapshot.fingerprint == snapshot_fingerprint(snapshot.payload)
        path = tmp_path / f"{snapshot.pk}.pdf"
        path.write_bytes(render_snapshot_pdf(snapshot.payload))
        name = f"{snapshot.series.cadence}-{snapshot.period_end:%Y-%m-%d}"
        (ARTIFACTS / f"demo-{name}.pdf").write_bytes(path.read_bytes())
        _run("pdftoppm", "-r", "50", "-png", str(path), str(out / name))
        text = _flat(_text(path))
        assert f"Fingerprint {fingerprint_display(snapshot.fingerprint)}" in text
        assert f"/snapshots/verify/?f={snapshot.fingerprint}" in text.replace(" ", "")
        assert not _overlaps(path)
        for page in _pages(path):
            for x0, y0, x1, y1, word in page["words"]:
                assert PRINTABLE_INSET <= x0 and x1 <= page["width"] - PRINTABLE_INSET, word
                assert PRINTABLE_INSET <= y0 and y1 <= page["height"] - PRINTABLE_INSET, word
