"""The PDF of a quarterly snapshot, laid out by WeasyPrint from a Django template.

``render_snapshot_pdf`` renders exactly the payload it is given (see the payload
contract) and reads nothing else but the photos, from Django's default storage.
Charts and the map are Plotly figures exported to SVG (``charts.py``) and embedded
as SVG, so they stay vectors and their labels stay text. Nothing is fetched from
the network: every resource of the document is a ``data:`` URL.
"""

from __future__ import annotations

import base64
import io
import logging
import re
from collections.abc import Callable
from datetime import date, datetime

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import charts as snapshot_charts

logger = logging.getLogger(__name__)

TEMPLATE = "snapshots/pdf/snapshot.html"
COVER_PHOTO_PX = (1400, 900)
PHOTO_PX = (900, 700)
JPEG_QUALITY = 78

Progress = Callable[[int, int, str], None]

_ARABIC_CHARS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC = re.compile(f"[{_ARABIC_CHARS}]")
# An Arabic run: from an Arabic letter to the last one, spaces and digits between,
# with the quotation marks around it (they belong to the right-to-left text).
_ARABIC_RUN = re.compile(
    f'[«“"]?[{_ARABIC_CHARS}](?:[{_ARABIC_CHARS}\\s\\d]*[{_ARABIC_CHARS}])?[»”"]?'
)
_STRONG = re.compile(f"[A-Za-z\u00c0-\u024f{_ARABIC_CHARS}]")


def is_arabic(text: str | None) -> bool:
    return bool(text and _ARABIC.search(text))


def bidi(text: str | None) -> SafeString:
    """Escaped text with its Arabic laid out right to left.

    Text that begins in Arabic is one right-to-left span; otherwise each Arabic
    run (a quote in an English caption) is its own right-to-left span, so the
    English around it keeps its order."""
    if not text:
        return format_html("")
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
        return number_format(round(value, 1), decimal_pos=1, force_grouping=True)
    return number_format(int(value), force_grouping=True)


def _figure(figure: dict) -> dict:
    marker = figure.get("marker")
    return {
        "code": figure.get("code"),
        "label": bidi(figure.get("label")),
        "display": figure.get("display") or _number(figure.get("value")),
        "starred": bool(figure.get("starred")),
        "as_of": _date(figure.get("as_of")),
        "increased": marker == "increased",
        "corrected": marker == "corrected",
        "previous": _number(figure.get("previous")) if figure.get("previous") is not None else "",
        "unit": figure.get("unit"),
    }


def _watermark_uri(word: str) -> str:
    """A page-sized SVG with ``word`` across it for the page background, drawn on
    every page behind the content. (Backgrounds are patterns, whose text PDF readers
    do not extract: the page header carries the word as text too.)"""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297">'
        '<text x="105" y="160" text-anchor="middle" transform="rotate(-40 105 148.5)" '
        'font-family="Noto Sans, DejaVu Sans, sans-serif" font-size="46" font-weight="700" '
        'letter-spacing="4" fill="#b42318" fill-opacity="0.13">{}</text></svg>'
    )
    return _svg_uri(format_html(svg, word))


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _chart_context(charts: list[snapshot_charts.Chart], svgs: dict[str, str]) -> dict[str, dict]:
    return {
        c.key: {"src": _svg_uri(svgs[c.key]), "width": c.width, "height": c.height}
        for c in charts
        if c.key in svgs
    }


def _photo_uri(storage_name: str, size: tuple[int, int]) -> dict | None:
    """The photo downscaled for print as a JPEG data URL; None when it is missing
    or unreadable (a snapshot is still printed without it)."""
    from PIL import Image, ImageOps

    try:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    except ImportError:  # pragma: no cover - pillow-heif is in requirements
        pass
    try:
        with default_storage.open(storage_name, "rb") as handle:
            image = Image.open(handle)
            # A JPEG decodes at 1/2, 1/4 or 1/8 scale (still at least `size`): much less work.
            image.draft("RGB", size)
            image = ImageOps.exif_transpose(image)
            image.thumbnail(size, Image.Resampling.LANCZOS)
            if image.mode != "RGB":
                image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    except (
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
    ) as error:  # missing, not an image
        logger.warning("snapshot photo %s skipped: %s", storage_name, error)
        return None
    return {
        "src": "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii"),
        "width": image.width,
        "height": image.height,
    }


def _photo(photo: dict, size: tuple[int, int]) -> dict | None:
    image = _photo_uri(photo.get("storage_name") or "", size) if photo.get("storage_name") else None
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


def _context(payload: dict, svgs: dict[str, dict], photos: list[dict]) -> dict:
    contributions = payload.get("contributions") or {}
    donors = [
        {
            "name": bidi(d.get("name")),
            "usd": snapshot_charts.usd_short(d.get("usd") or 0),
            "usd_full": _number(round(d.get("usd") or 0)),
            "share": number_format(round(d.get("share") or 0, 1), decimal_pos=1),
            "colour": snapshot_charts.PALETTE[i % len(snapshot_charts.PALETTE)],
        }
        for i, d in enumerate(contributions.get("donors") or [])
    ]
    areas = payload.get("areas") or {}
    sections = [
        {
            "code": s.get("code"),
            "title": bidi(s.get("title")),
            "figures": [_figure(f) for f in s.get("figures") or []],
            "sectors_chart": svgs.get(f"section-{i}-sectors"),
            "sectors": s.get("projects_by_sector_status") or [],
            "gender_chart": svgs.get(f"section-{i}-gender"),
            "gender": {k: _number(v) for k, v in (s.get("gender_split") or {}).items()},
        }
        for i, s in enumerate(payload.get("sections") or [])
    ]
    feedback = [
        {
            "question": bidi(q.get("question")),
            "responses": _number(q.get("responses")),
            "answers": [
                {
                    "label": bidi(a.get("label")),
                    "count": _number(a.get("count")),
                    "share": _percent(a.get("share")),
                }
                for a in q.get("answers") or []
            ],
        }
        for q in payload.get("feedback") or []
    ]
    all_figures = [f for s in sections for f in s["figures"]] + [
        _figure(f) for f in payload.get("headlines") or []
    ]
    cover = photos[0] if photos else None
    return {
        "p": payload,
        "title": bidi(payload.get("title")),
        "programmes": [
            {"code": p.get("code"), "name": bidi(p.get("name"))}
            for p in payload.get("programmes") or []
        ],
        "draft": payload.get("status") == "draft",
        "watermark": _watermark_uri(_("DRAFT")) if payload.get("status") == "draft" else "",
        "quarter_label": payload.get("quarter_label"),
        "as_of": _date(payload.get("as_of")),
        "period_start": _date(payload.get("period_start")),
        "quarter_end": _date(payload.get("quarter_end")),
        "published_at": _datetime(payload.get("published_at")),
        "headlines": [_figure(f) for f in payload.get("headlines") or []],
        "contributions_total": snapshot_charts.usd_short(contributions.get("total_usd") or 0),
        "contributions_total_full": _number(round(contributions.get("total_usd") or 0)),
        "donors": donors,
        "areas_name": bidi(areas.get("name")),
        "map_legend": [
            {"colour": step["colour"], "label": _number(step["value"])}
            for step in snapshot_charts.map_legend(areas)
        ],
        "areas": [
            {
                "pcode": v.get("pcode"),
                "name": bidi(v.get("name")),
                "name_ar": v.get("name_ar") or "",
                "display": v.get("display") or _number(v.get("value")),
            }
            for v in areas.get("values") or []
        ],
        "sections": sections,
        "feedback": feedback,
        "population_groups": [
            {"label": bidi(g.get("label")), "display": g.get("display") or _number(g.get("value"))}
            for g in payload.get("population_groups") or []
        ],
        "gender": payload.get("gender"),
        "gender_display": {k: _number(v) for k, v in (payload.get("gender") or {}).items()},
        "corrections": [
            {
                "label": bidi(c.get("label")),
                "period": c.get("period"),
                "old": c.get("old_display") or _number(c.get("old")),
                "new": c.get("new_display") or _number(c.get("new")),
            }
            for c in payload.get("corrections") or []
        ],
        "cover_photo": cover,
        "photos": photos,
        "footnotes": [bidi(n) for n in _footnotes(payload, all_figures)],
        "attribution": bidi(payload.get("attribution")),
        "charts": svgs,
        "any_increased": any(f["increased"] for f in all_figures),
        "any_corrected": any(f["corrected"] for f in all_figures),
        "any_starred": any(f["starred"] for f in all_figures),
        "doc_title": _("%(title)s — %(quarter)s snapshot")
        % {"title": payload.get("title") or "", "quarter": payload.get("quarter_label") or ""},
        "lang": translation.get_language() or "en",
        "rtl": translation.get_language_bidi(),
    }


def _percent(share: float | None) -> str:
    return number_format(round(share or 0, 1), decimal_pos=1) + "%"


def render_snapshot_pdf(payload: dict, *, progress: Progress | None = None) -> bytes:
    """The PDF (A4, text selectable, charts as vectors) of a snapshot payload.

    ``progress(done, total, step)`` is called, in the caller's thread, after each
    photo ("photos"), each chart ("charts") and the layout ("layout"). Raises
    ``charts.ChartExportError`` when Chromium cannot draw the charts."""
    charts = snapshot_charts.snapshot_charts(payload)
    export = snapshot_charts.ChartExport(charts)  # Chromium starts now, in the background
    from weasyprint import HTML  # imported meanwhile: a second or so the first time
    from weasyprint.urls import URLFetcher

    photo_items = payload.get("photos") or []
    total = len(charts) + len(photo_items) + 1
    done = 0

    def tick(step: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, step)

    if progress:
        progress(0, total, "photos")
    photos = []
    for index, photo in enumerate(photo_items):
        item = _photo(photo, COVER_PHOTO_PX if index == 0 else PHOTO_PX)
        if item is not None:
            photos.append(item)
        tick("photos")
    svgs = export.result(on_chart=lambda _n: tick("charts"))
    html = render_to_string(TEMPLATE, _context(payload, _chart_context(charts, svgs), photos))
    # Only data: URLs: the document must never reach out to the network.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=html, url_fetcher=fetcher)
    pdf = document.write_pdf(
        pdf_identifier=False,
        uncompressed_pdf=False,
        custom_metadata=False,
    )
    tick("layout")
    return pdf
