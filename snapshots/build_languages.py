"""A snapshot's document in its language: English, Arabic, or both.

The officer writes each text in English and, beside it, in Arabic (a
section's ``title_ar`` and ``footnotes_ar``, the snapshot's ``title_ar``,
``disclaimer_ar`` and ``contact_ar``, a block's ``text_ar``, ``title_ar``,
``caption_ar``, an item's or row's ``label_ar`` and ``footnote_ar``). The
document of each language is built on its own, with the catalogues, number
and date formats and digits of that language, so that every word the
authoring side adds ("of 1,200 targeted", a period's label, a table's
columns) is in it too; live references are resolved in each.

The payload of an English or an Arabic snapshot is that language's document
(``language`` says which). A bilingual one is the English document with the
Arabic one in ``arabic`` (the same keys but ``references``, ``fingerprint``
and ``verify_url``, which the top level holds for both), so publishing
freezes and seals both at once.

``arabic_missing`` lists what a snapshot printing Arabic still lacks: the
publish guard refuses it until every visible text has its Arabic.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from programmes.l10n import digits_activate, digits_reset
from snapshots.models import Snapshot, SnapshotBlock

Kind = SnapshotBlock.Kind
# What the top level of a bilingual payload holds for both languages.
SHARED_KEYS = ("references", "fingerprint", "verify_url")


def document_in_languages(
    snapshot: Snapshot,
    build: Callable[[bool], tuple[dict, list[dict]]],
    *,
    language: str | None = None,
) -> tuple[dict, list[dict]]:
    """``(payload, errors)`` of ``snapshot`` in its languages, ``build(arabic)``
    making one language's (in the active language). ``language`` ("en" or
    "ar") builds that one alone. The errors of the Arabic texts say so."""
    languages = [language] if language else snapshot.languages
    documents = []
    errors: list[dict] = []
    arabic_label = _("Arabic")
    for code in languages:
        arabic = code == "ar"
        token = digits_activate(snapshot.digits if arabic else "latn")
        try:
            with translation.override(code):
                payload, found = build(arabic)
        finally:
            digits_reset(token)
        payload["language"] = code if language else str(snapshot.language)
        payload["digits"] = str(snapshot.digits) if arabic else "latn"
        if arabic and documents:
            # Errors of the figures both languages share are the English's already.
            known = {(e["section"], e["block"]) for e in errors}
            found = [
                {**e, "message": f"{arabic_label}: {e['message']}"}
                for e in found
                if (e["section"], e["block"]) not in known
            ]
        documents.append(payload)
        errors += found
    payload = documents[0]
    if len(documents) > 1:
        other = documents[1]
        payload["references"] = {**other["references"], **payload["references"]}
        payload["arabic"] = {k: v for k, v in other.items() if k not in SHARED_KEYS}
        payload["digits"] = other["digits"]
    return payload, errors


def arabic_missing(snapshot: Snapshot) -> list[str]:
    """What ``snapshot`` (Arabic or bilingual) prints without its Arabic, one
    line each ("Local economies: the narrative 2 has no Arabic text"): the
    title, disclaimer and contact, and in each visible section the title,
    footnotes and every text of its blocks that is written in English. Empty
    for an English snapshot, or when nothing is missing."""
    if "ar" not in snapshot.languages:
        return []
    missing = []
    for name, label in (
        ("title", _("the title")),
        ("disclaimer", _("the disclaimer")),
        ("contact", _("the contact")),
    ):
        if getattr(snapshot, name).strip() and not getattr(snapshot, f"{name}_ar").strip():
            missing.append(label)
    for section in snapshot.sections.prefetch_related("blocks").order_by("position"):
        if section.hidden:
            continue
        parts = []
        if not section.title_ar.strip():
            parts.append(_("the title"))
        if section.footnotes.strip() and not section.footnotes_ar.strip():
            parts.append(_("the footnotes"))
        for number, block in enumerate(section.blocks.all(), 1):
            if _block_missing(block.kind, block.content or {}):
                parts.append(
                    _("block %(number)s (%(kind)s)")
                    % {"number": number, "kind": block.get_kind_display().lower()}
                )
        if parts:
            missing.append(
                _("%(section)s: %(parts)s") % {"section": section.title, "parts": ", ".join(parts)}
            )
    return missing


def _block_missing(kind: str, content: dict) -> bool:
    """Whether a block has an English text without its Arabic."""

    def lacks(texts: dict, *keys: str) -> bool:
        return any(
            str(texts.get(k) or "").strip() and not str(texts.get(f"{k}_ar") or "").strip()
            for k in keys
        )

    if kind == Kind.NARRATIVE:
        return lacks(content, "text")
    if kind == Kind.STORY:
        return lacks(content, "title", "text", "caption")
    if kind == Kind.FIGURES:
        return any(lacks(item, "label", "footnote") for item in content.get("items") or [])
    if kind == Kind.TABLE:
        return lacks(content, "title") or any(
            lacks(row, "label") for row in content.get("rows") or []
        )
    return False
