"""The languages a snapshot PDF is printed in, and the order of its parts.

A payload says its ``language`` (``build_languages``): "en", "ar", or "en+ar"
(bilingual, its Arabic document in ``arabic``); a payload without one (made
before snapshots had a language) is printed in the active language, as it
always was. Each language's document is drawn in that language: its
catalogues (``translation.override``), formats, direction and digits.

Bilingual: each part (the cover, the donors, the map, each section, the
feedback, the notes...) in English, then the same part in Arabic, right to
left. Side by side would give each language 85 mm of the 180 mm an A4 page
prints: the three figure cards of a row, the five columns of the sector
table and the map do not fit, and Arabic runs longer than English, so the
columns would drift apart within a page. One after the other, each reads as
its own document at full width, and a reader of either finds the other
language's version of a section right after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import translation
from django.utils.html import format_html

from programmes.l10n import digits_activate, digits_reset

from .pdf_payload import payload_v2

# The parts of the document, in order; "sections" is one part per section.
PARTS = (
    "cover",
    "contributions",
    "areas",
    "sections",
    "feedback",
    "population",
    "corrections",
    "notes",
    "photos",
)


@dataclass
class Doc:
    """One language's document: ``language`` (None: the active one),
    ``payload`` (v2), ``prefix`` of its chart keys, its ``digits``."""

    language: str | None
    payload: dict
    prefix: str
    digits: str = "latn"

    def attrs(self) -> str:
        """The ``lang`` and ``dir`` of its parts (the other language's parts
        may surround them)."""
        with in_language(self):
            return format_html(
                ' lang="{}" dir="{}"',
                translation.get_language() or "en",
                "rtl" if translation.get_language_bidi() else "ltr",
            )


@contextmanager
def in_language(doc: Doc) -> Iterator[None]:
    """Draw ``doc``'s part in its language and digits."""
    token = digits_activate(doc.digits)
    try:
        if doc.language is None:
            yield
        else:
            with translation.override(doc.language):
                yield
    finally:
        digits_reset(token)


def arabic_places(payload: dict) -> dict:
    """``payload`` with its areas named in Arabic (the gazetteer's name; the
    English one kept as ``name_en``), for the Arabic document's map and table."""
    areas = payload.get("areas") or {}
    values = [
        {**v, "name": v.get("name_ar") or v.get("name"), "name_en": v.get("name")}
        for v in areas.get("values") or []
    ]
    return {**payload, "areas": {**areas, "values": values}}


def documents(payload: dict) -> list[Doc]:
    """The documents of ``payload`` (already version 2), in print order."""
    language = payload.get("language")
    digits = payload.get("digits") or "latn"
    if language is None:
        return [Doc(None, payload, "doc:")]
    if language == "ar":
        return [Doc("ar", arabic_places(payload), "ar:", digits)]
    docs = [Doc("en", payload, "en:")]
    if language == "en+ar" and payload.get("arabic"):
        shared = {k: payload.get(k) for k in ("references", "fingerprint", "verify_url")}
        arabic = payload_v2({**payload["arabic"], **shared, "version": 2})
        docs.append(Doc("ar", arabic_places(arabic), "ar:", digits))
    return docs
