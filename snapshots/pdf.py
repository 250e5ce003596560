"""The PDF of a snapshot, laid out by WeasyPrint from a Django template.

``render_snapshot_pdf`` renders exactly the payload it is given (version 2 of the
contract in docs/snapshot_payload.md, or version 1 adapted by ``payload_v2``) and reads nothing else but the photos, from Django's default storage.
Charts and the map are Plotly figures exported to SVG (``charts.py``) and embedded
as SVG, so they stay vectors and their labels stay text. Nothing is fetched from
the network: every image of the document is served from memory
(``pdf_assets``).
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from indicators.chart_colours import answer_colours
from programmes.l10n import digits_active, localise_digits, number_text

from . import charts as snapshot_charts
from .cadence import period_words
from .fingerprint import fingerprint_display
from .pdf_languages import PARTS, documents, in_language
from .pdf_payload import clean_html, payload_v2

if TYPE_CHECKING:
    from .pdf_assets import Assets

logger = logging.getLogger(__name__)

TEMPLATE = "snapshots/pdf/snapshot.html"
COVER_PHOTO_PX = (1400, 900)
PHOTO_PX = (800, 600)

Progress = Callable[[int, int, str], None]

_ARABIC_CHARS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC = re.compile(f"[{_ARABIC_CHARS}]")
# An Arabic run: from an Arabic letter to the last one, spaces and digits between,
# with the quotation marks around it (they belong to the right-to-left text).
_ARABIC_RUN = re.compile(
    f'[«“"]?[{_ARABIC_CHARS}](?:[{_ARABIC_CHARS}\\s\\d]*[{_ARABIC_CHARS}])?[»”"]?'
)
_STRONG = re.compile(f"[A-Za-z\u00c0-\u024f{_ARABIC_CHARS}]")
_LATIN = "A-Za-z\u00c0-\u024f"
# A left-to-right run in Arabic text: an English name, a P-code, "US$ 1,200", a
# quoted English title (“Iraq – Subnational Administrative Boundaries”).
_LATIN_RUN = re.compile(f'[“"]?[{_LATIN}](?:[{_LATIN}0-9\\s.,:&\'’/()$+*–-]*[{_LATIN}0-9)*])?[”"]?')


def is_arabic(text: str | None) -> bool:
    return bool(text and _ARABIC.search(text))


def bidi(text: str | None) -> SafeString:
    """Escaped text with its Arabic laid out right to left.

    Text that begins in Arabic is one right-to-left span; otherwise each Arabic
    run (a quote in an English caption) is its own right-to-left span, so the
    English around it keeps its order. In a right-to-left document (the
    active language's), the mirror: English text and P-codes keep their
    left-to-right order inside the Arabic (``_isolated``)."""
    if not text:
        return mark_safe("")  # noqa: S308 (empty)
    if translation.get_language_bidi():
        return _isolated(text)
    if not is_arabic(text):
        return format_html("{}", text)
    first = _STRONG.search(text)
    if first and _ARABIC.match(first.group()):
        return format_html('<span dir="rtl" lang="ar" class="ar">{}</span>', text)
    parts, last = [], 0
    for run in _ARABIC_RUN.finditer(text):
        parts.append(conditional_escape(text[last : run.start()]))
        parts.append(format_html('<span dir="rtl" lang="ar" class="ar">{}</span>', run.group()))
        last = run.end()
    parts.append(conditional_escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def _isolated(text: str) -> SafeString:
    """In a right-to-left document: text without Arabic (an English name, a
    P-code, the attribution) is one left-to-right span, its punctuation
    included; in Arabic text, each left-to-right run is its own span."""
    if not is_arabic(text):
        return format_html('<span dir="ltr" class="ltr">{}</span>', text)
    parts, last = [], 0
    for run in _LATIN_RUN.finditer(text):
        start, end = _paired(text, run.start(), run.end())
        parts.append(conditional_escape(text[last:start]))
        parts.append(format_html('<span dir="ltr" class="ltr">{}</span>', text[start:end]))
        last = end
    parts.append(conditional_escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def _paired(text: str, start: int, end: int) -> tuple[int, int]:
    """A left-to-right run without the half of a pair it does not hold: the
    ")" of "(CSO)" whose "(" follows Arabic text stays outside with it, so
    the two brackets are laid out as a pair, around the run."""
    run = text[start:end]
    while run.endswith(")") and run.count(")") > run.count("("):
        run, end = run[:-1], end - 1
    if run.startswith(("“", '"')) and not run.endswith(("”", '"')):
        run, start = run[1:], start + 1
    if run.endswith("”") and "“" not in run:
        run, end = run[:-1], end - 1
    return start, end


def _day(value: date | datetime | None) -> str:
    """A day as the document writes it ("5 April 2017"), in its digits."""
    return localise_digits(date_format(value, "j F Y")) if value else ""


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return number_text(round(value, 1), decimal_pos=1)
    return number_text(int(value))


def _value_size(text: str) -> str:
    """The class that sizes a figure's value to its card: a long figure
    ("US$ 149,391,000", ten digits) is set smaller, and the longest wrap."""
    length = len(text)
    if length <= 8:
        return "size-l"
    if length <= 11:
        return "size-m"
    if length <= 15:
        return "size-s"
    return "size-xs"


def _figure(figure: dict) -> dict:
    marker = figure.get("marker")
    display = figure.get("display") or _number(figure.get("value"))
    return {
        "code": figure.get("code"),
        "label": bidi(figure.get("label")),
        "place": bidi(figure.get("place")),
        "display": display,
        "size": _value_size(display + ("*" if figure.get("starred") else "")),
        "period_display": figure.get("period_display") or "",
        "targeted_display": figure.get("targeted_display") or "",
        "starred": bool(figure.get("starred")),
        "increased": marker == "increased",
        "corrected": marker == "corrected",
        "previous": _number(figure.get("previous")) if figure.get("previous") is not None else "",
        "unit": figure.get("unit"),
        "footnote": figure.get("footnote") or "",
    }


def _watermark_svg(word: str) -> str:
    """An SVG the size of the page area with ``word`` across it, laid over
    every page above everything, cover photo included (the page header carries
    the word as text too: text in an image is not extracted)."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="180mm" height="258mm" viewBox="0 0 180 258">'
        '<text x="90" y="140" text-anchor="middle" transform="rotate(-40 90 129)" '
        'font-family="Noto Sans, DejaVu Sans, sans-serif" font-size="46" font-weight="700" '
        'letter-spacing="4" fill="#b42318" fill-opacity="0.16">{}</text></svg>'
    )
    return format_html(svg, word)


def _chart_context(
    charts: list[snapshot_charts.Chart], drawings: dict[str, str | bytes], assets: Assets
) -> dict[str, dict]:
    def src(drawing: str | bytes) -> str:
        if isinstance(drawing, bytes):
            return assets.add(drawing, "image/png")
        return assets.svg(drawing)

    return {
        c.key: {"src": src(drawings[c.key]), "width": c.width, "height": c.height}
        for c in charts
        if c.key in drawings
    }


def _photo(photo: dict, image: dict | None) -> dict | None:
    """A photo of the payload with its decoded ``image`` (None when missing)."""
    if image is None:
        return None
    return {
        **image,
        "caption": bidi(photo.get("caption")),
        "credit": bidi(photo.get("credit")),
        "donor": bidi(photo.get("donor")),
        "governorate": bidi(photo.get("governorate")),
    }


def _footnotes(payload: dict, figures: list[dict]) -> list[str]:
    """The payload's footnotes; the multiplier's own if starred figures have none."""
    notes = list(payload.get("footnotes") or [])
    multiplier = payload.get("multiplier") or {}
    if any(f["starred"] for f in figures) and multiplier.get("footnote"):
        if not any(note.lstrip().startswith("*") for note in notes):
            notes.insert(0, f"* {multiplier['footnote']}.")
    return notes


def _block(block: dict, key: str, svgs: dict[str, dict], photos: dict[str, dict]) -> dict | None:
    kind = block.get("type")
    if kind == "narrative":
        return {"type": kind, "html": mark_safe(clean_html(block.get("html")))}  # noqa: S308 - cleaned
    if kind == "figures":
        return {"type": kind, "items": [_figure(f) for f in block.get("items") or []]}
    if kind == "table":
        columns = [
            {"label": bidi(c.get("label")), "numeric": bool(c.get("numeric"))}
            for c in block.get("columns") or []
        ]
        numeric = [c["numeric"] for c in columns]

        def cells(row):
            return [
                {"text": bidi(str(cell)), "numeric": numeric[i] if i < len(numeric) else False}
                for i, cell in enumerate(row)
            ]

        return {
            "type": kind,
            "title": bidi(block.get("title")),
            "columns": columns,
            "rows": [cells(r) for r in block.get("rows") or []],
            "footer": cells(block["footer"]) if block.get("footer") else None,
        }
    if kind == "gender":
        shown = {
            k: localise_digits(block.get(f"{k}_display") or "") or _number(block.get(k))
            for k in ("female", "male", "not_recorded")
        }
        return {"type": kind, "chart": svgs.get(key), **shown}
    if kind == "story":
        photo = photos.get(key)
        return {
            "type": kind,
            "title": bidi(block.get("title")),
            "html": mark_safe(clean_html(block.get("text"))),  # noqa: S308 - cleaned
            "photo": photo,
        }
    return None  # a newer block type: skipped, see the contract


def _likert(question: dict) -> dict:
    answers = question.get("answers") or []
    colours = answer_colours(question.get("kind"), [a.get("code", "") for a in answers])
    total = sum(max(a.get("share") or 0, 0) for a in answers) or 1
    average = question.get("average")
    return {
        "question": bidi(question.get("question")),
        "base": _number(question.get("base")),
        "aggregate": question.get("aggregate"),
        "average": (
            _("%(average)s out of %(max)s")
            % {
                "average": number_text(average, decimal_pos=1),
                "max": localise_digits(str(question.get("scale_max"))),
            }
            if average is not None and question.get("scale_max")
            else ""
        ),
        "answers": [
            {
                "label": bidi(a.get("label")),
                # "46%" as the payload wrote it, in this document's digits
                "share": localise_digits(a.get("display") or "") or _percent(a.get("share")),
                # a share under 12 % is too narrow for its number: the legend has it
                "inside": (a.get("share") or 0) >= 12,
                "width": f"{max(a.get('share') or 0, 0) / total * 100:.3f}",
                "colour": colour,
                "white": white,
            }
            for a, (colour, white) in zip(answers, colours, strict=True)
        ],
    }


def _context(
    payload: dict, svgs: dict[str, dict], photos: list[dict], story_photos: dict, assets: Assets
) -> dict:
    contributions = payload.get("contributions") or {}
    period = payload.get("period") or {}
    donors = [
        {
            "name": bidi(d.get("name")),
            "usd": localise_digits(snapshot_charts.usd_short(d.get("usd") or 0)),
            "share": number_text(d.get("share") or 0, decimal_pos=1),
            "colour": snapshot_charts.PALETTE[i % len(snapshot_charts.PALETTE)],
        }
        for i, d in enumerate(contributions.get("donors") or [])
    ]
    areas = payload.get("areas") or {}
    sections, section_notes = [], []
    for i, s in enumerate(payload.get("sections") or []):
        blocks = []
        for j, b in enumerate(s.get("blocks") or []):
            block = _block(b, f"section-{i}-block-{j}", svgs, story_photos)
            if block is not None:
                blocks.append(block)
        sections.append(
            {
                "key": s.get("key"),
                "title": bidi(s.get("title")),
                "blocks": blocks,
                "footnotes": [bidi(n) for n in s.get("footnotes") or []],
            }
        )
    section_figures = [
        item for s in sections for b in s["blocks"] if b["type"] == "figures" for item in b["items"]
    ]
    for item in section_figures:
        if item["footnote"] and item["footnote"] not in section_notes:
            section_notes.append(item["footnote"])
    headlines = [_figure(f) for f in payload.get("headlines") or []]
    all_figures = section_figures + headlines
    cadence = period.get("cadence") or "quarterly"
    # The period in the language the PDF is drawn in, not the one it was published in.
    words = period_words(period, payload.get("as_of"))
    as_of = _date(payload.get("as_of"))
    fingerprint = payload.get("fingerprint") if payload.get("status") == "published" else None
    verify_url = payload.get("verify_url") or ""
    return {
        "p": payload,
        "title": bidi(payload.get("title")),
        "programmes": [
            {"code": p.get("code"), "name": bidi(p.get("name"))}
            for p in payload.get("programmes") or []
        ],
        "draft": payload.get("status") == "draft",
        "watermark": (
            assets.svg(_watermark_svg(_("DRAFT"))) if payload.get("status") == "draft" else ""
        ),
        "kicker": {
            "monthly": _("Monthly snapshot"),
            "quarterly": _("Quarterly snapshot"),
            "annual": _("Annual snapshot"),
        }.get(cadence, _("Snapshot")),
        "period_label": localise_digits(words.get("label") or period.get("label") or ""),
        "as_of_note": localise_digits(words.get("as_of_note") or period.get("as_of_note") or ""),
        "compared_label": words.get("compared_label")
        or period.get("compared_label")
        or _("since last snapshot"),
        "as_of": as_of,
        "period_start": _date(period.get("start")),
        "published_at": _datetime(payload.get("published_at")),
        "as_of_text": _day(as_of),
        "period_start_text": _day(_date(period.get("start"))),
        "published_text": _day(_datetime(payload.get("published_at"))),
        "headlines": headlines,
        "contributions_total": localise_digits(
            snapshot_charts.usd_short(contributions.get("total_usd") or 0)
        ),
        "donors": donors,
        "areas_name": bidi(areas.get("name")),
        "map_legend": [
            {"colour": step["colour"], "label": _number(step["value"])}
            for step in snapshot_charts.map_legend(areas)
        ],
        "areas": [
            {
                "name": bidi(v.get("name")),
                "name_ar": v.get("name_ar") or "",
                # The other language's name: in an Arabic document the English one.
                "name_other": bidi(v.get("name_en") or v.get("name"))
                if translation.get_language_bidi()
                else v.get("name_ar") or "",
                "display": v.get("display") or _number(v.get("value")),
            }
            for v in areas.get("values") or []
        ],
        "sections": sections,
        "feedback": [_likert(q) for q in payload.get("feedback") or [] if q.get("answers")],
        "population_groups": payload.get("population_groups") or [],
        "gender": payload.get("gender"),
        "gender_display": {k: _number(v) for k, v in (payload.get("gender") or {}).items()},
        "corrections": [
            {
                "label": bidi(c.get("label")),
                "period": localise_digits(c.get("period") or ""),
                "old": c.get("old_display") or _number(c.get("old")),
                "new": c.get("new_display") or _number(c.get("new")),
            }
            for c in payload.get("corrections") or []
        ],
        "cover_photo": photos[0] if photos else None,
        "photos": photos,
        "footnotes": [bidi(n) for n in _footnotes(payload, all_figures) + section_notes],
        "disclaimer": bidi(payload.get("disclaimer")),
        "contact": [bidi(line) for line in (payload.get("contact") or "").splitlines()],
        "attribution": bidi(payload.get("attribution")),
        "fingerprint": fingerprint_display(fingerprint) if fingerprint else "",
        "verify_link": f"{verify_url}?f={fingerprint}" if fingerprint and verify_url else "",
        "charts": svgs,
        "any_increased": any(f["increased"] for f in all_figures),
        "any_corrected": any(f["corrected"] for f in all_figures),
        "doc_title": _("%(title)s — %(period)s")
        % {"title": payload.get("title") or "", "period": period.get("label") or ""},
        "lang": translation.get_language() or "en",
        "rtl": translation.get_language_bidi(),
        "counter_style": "arabic-indic" if digits_active() == "arab" else "decimal",
    }


def _percent(share: float | None) -> str:
    return number_text(share or 0, decimal_pos=1) + "%"


def _story_photos(payload: dict) -> dict[str, dict]:
    """The photo of every story block, by its block key."""
    return {
        f"section-{i}-block-{j}": b["photo"]
        for i, s in enumerate(payload.get("sections") or [])
        for j, b in enumerate(s.get("blocks") or [])
        if b.get("type") == "story" and b.get("photo")
    }


def render_snapshot_pdf(payload: dict, *, progress: Progress | None = None) -> bytes:
    """The PDF (A4, text selectable, charts as vectors; as images where their
    text runs right to left) of a snapshot payload, in its language
    (``pdf_languages``: English, Arabic right to left, or both, part after
    part).

    ``progress(done, total, step)`` is called, in the caller's thread, after each
    photo ("photos"), each chart ("charts") and the layout ("layout"). Raises
    ``charts.ChartExportError`` when Chromium cannot draw the charts."""
    docs = documents(payload_v2(payload))
    charts = []
    for doc in docs:
        with in_language(doc):
            for chart in snapshot_charts.snapshot_charts(doc.payload):
                chart.key = doc.prefix + chart.key
                # WeasyPrint neither joins nor orders right-to-left text in an SVG.
                chart.raster = translation.get_language_bidi()
                charts.append(chart)
    export = snapshot_charts.ChartExport(charts)  # Chromium starts now, in the background
    from weasyprint import HTML  # imported meanwhile: a second or so the first time

    from .pdf_assets import Assets, print_photo

    photo_items = {doc.prefix: doc.payload.get("photos") or [] for doc in docs}
    story_items = {doc.prefix: _story_photos(doc.payload) for doc in docs}
    total = len(charts) + 1
    total += sum(len(p) for p in photo_items.values()) + sum(len(s) for s in story_items.values())
    done = 0

    def tick(step: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, step)

    if progress:
        progress(0, total, "photos")
    # Every distinct (file, size) decoded once, two at a time (Pillow decodes
    # outside the GIL): a story's photo is often also on the photo page, and
    # a bilingual document shows each photo twice.
    wanted = [
        (p, COVER_PHOTO_PX if i == 0 else PHOTO_PX)
        for items in photo_items.values()
        for i, p in enumerate(items)
    ]
    wanted += [(p, PHOTO_PX) for items in story_items.values() for p in items.values()]
    keys = {(p.get("storage_name") or "", size) for p, size in wanted}
    images: dict[tuple, dict | None] = {}
    assets = Assets()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            pool.submit(print_photo, name, size): (name, size) for name, size in keys if name
        }
        for future in concurrent.futures.as_completed(futures):
            image = future.result()
            images[futures[future]] = image and {
                "src": assets.add(image["data"], "image/jpeg"),
                "width": image["width"],
                "height": image["height"],
            }
    photos: dict[str, list] = {}
    story_photos: dict[str, dict] = {}
    for doc in docs:
        with in_language(doc):
            photos[doc.prefix] = []
            for i, photo in enumerate(photo_items[doc.prefix]):
                size = COVER_PHOTO_PX if i == 0 else PHOTO_PX
                item = _photo(photo, images.get((photo.get("storage_name") or "", size)))
                if item is not None:
                    photos[doc.prefix].append(item)
                tick("photos")
            story_photos[doc.prefix] = {}
            for key, photo in story_items[doc.prefix].items():
                item = _photo(photo, images.get((photo.get("storage_name") or "", PHOTO_PX)))
                if item is not None:
                    story_photos[doc.prefix][key] = item
                tick("photos")
    drawings = export.result(on_chart=lambda _n: tick("charts"))
    contexts = []
    for doc in docs:
        with in_language(doc):
            mine = [c for c in charts if c.key.startswith(doc.prefix)]
            drawn = {
                c.key.removeprefix(doc.prefix): drawings[c.key] for c in mine if c.key in drawings
            }
            chart_context = _chart_context(
                [replace(c, key=c.key.removeprefix(doc.prefix)) for c in mine], drawn, assets
            )
            contexts.append(
                _context(
                    doc.payload,
                    chart_context,
                    photos[doc.prefix],
                    story_photos[doc.prefix],
                    assets,
                )
            )
    body = _body(docs, contexts)
    with in_language(docs[0]):  # the running footer in the first language
        html = render_to_string(TEMPLATE, {**contexts[0], "body": body})
    # The images from memory, data: URLs, nothing else: the document never reaches out.
    document = HTML(string=html, url_fetcher=assets)
    pdf = document.write_pdf(
        pdf_identifier=False,
        uncompressed_pdf=False,
        custom_metadata=False,
    )
    tick("layout")
    return pdf


def _body(docs: list, contexts: list[dict]) -> SafeString:
    """The parts of the document (``pdf_languages.PARTS``), each in every
    language of ``docs`` in turn, drawn in that language."""
    out = []

    def draw(doc, context: dict, part: str, **extra) -> None:
        with in_language(doc):
            out.append(
                render_to_string(
                    f"snapshots/pdf/_{part}.html",
                    {**context, "lang_attrs": doc.attrs(), **extra},
                )
            )

    for part in PARTS:
        if part == "sections":
            count = max(len(c["sections"]) for c in contexts)
            if not count:
                for doc, context in zip(docs, contexts, strict=True):
                    draw(doc, context, "section", s=None)
            for i in range(count):
                for doc, context in zip(docs, contexts, strict=True):
                    if i < len(context["sections"]):
                        draw(doc, context, "section", s=context["sections"][i])
            continue
        for doc, context in zip(docs, contexts, strict=True):
            draw(doc, context, part)
    return mark_safe("".join(out))  # noqa: S308 - templates, autoescaped
