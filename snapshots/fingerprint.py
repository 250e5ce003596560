"""The fingerprint of a published snapshot: what its PDF's footer prints and the
verification page looks up.

Pure: no database, no settings. The same payload printed by the same template
gives the same fingerprint on any machine; any change to a figure, a word, or
the template's version gives another one.
"""

from __future__ import annotations

import hashlib
import json

# Bump whenever the printed layout changes (templates/snapshots/pdf/*, pdf.py,
# charts.py): the same content printed by another template is another document.
TEMPLATE_VERSION = "pdf-3"
FINGERPRINT_LENGTH = 16
# Keys that carry the fingerprint itself or where to check it: not content.
_NOT_CONTENT = ("fingerprint", "verify_url")


def canonical_json(payload: dict) -> bytes:
    """The payload as canonical JSON (sorted keys, no spaces, UTF-8), without
    the keys that hold the fingerprint and the verification address."""
    content = {k: v for k, v in payload.items() if k not in _NOT_CONTENT}
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def snapshot_fingerprint(payload: dict) -> str:
    """The first 16 hex digits of sha256(canonical JSON + "\\n" + TEMPLATE_VERSION)."""
    digest = hashlib.sha256(canonical_json(payload) + b"\n" + TEMPLATE_VERSION.encode("ascii"))
    return digest.hexdigest()[:FINGERPRINT_LENGTH]


def payload_sealed(payload: dict, *, verify_url: str) -> tuple[dict, str]:
    """A copy of the frozen ``payload`` carrying its fingerprint and the
    verification address, and the fingerprint (computed without either)."""
    fingerprint = snapshot_fingerprint(payload)
    return {**payload, "fingerprint": fingerprint, "verify_url": verify_url}, fingerprint


def normalise_fingerprint(text: str | None) -> str:
    """A fingerprint as typed: spaces, dashes and case ignored; "" when it cannot
    be one (wrong length or not hex)."""
    cleaned = "".join(ch for ch in (text or "").lower() if ch not in " -\t\n")
    if len(cleaned) != FINGERPRINT_LENGTH or any(ch not in "0123456789abcdef" for ch in cleaned):
        return ""
    return cleaned


def fingerprint_display(fingerprint: str) -> str:
    """Grouped by four for reading aloud: "3f2a 9c1e 0b77 d4e5"."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))
