"""Reads of the verification page: which published snapshot a fingerprint or
a PDF file is, and whether the file is the one published.

Anyone may ask (the page needs no login): the answer names at most the
snapshot's title, period and publication day, which the PDF in the asker's
hands prints anyway; figures are never shown. Drafts are never found.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO

from snapshots.access import snapshots_for_user
from snapshots.fingerprint import normalise_fingerprint
from snapshots.models import Snapshot

# A snapshot PDF is a few MB (the benchmark's full one is well under 5 MB).
MAX_UPLOAD_BYTES = 25 * 1024 * 1024


class Outcome:
    GENUINE = "genuine"  # the file is the published PDF of a snapshot
    KNOWN = "known"  # the fingerprint is a published snapshot's (no file given)
    ALTERED = (
        "altered"  # a file was given, the fingerprint is known, the file is not the published one
    )
    UNKNOWN = "unknown"  # nothing published matches
    INVALID = "invalid"  # what was typed cannot be a fingerprint, and no file


@dataclass(frozen=True)
class Verification:
    outcome: str
    snapshot: Snapshot | None = None
    # Whether the asker may open the snapshot's page (a link is shown).
    can_open: bool = False
    fingerprint: str = ""


def file_sha256(handle: IO[bytes]) -> str:
    """The SHA-256 hex digest of an open binary file, read in chunks."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def snapshot_verification(*, user, fingerprint: str = "", pdf_sha256: str = "") -> Verification:
    """What a fingerprint (as typed) and/or a PDF's SHA-256 say: a published
    snapshot whose stored PDF has that digest is GENUINE; otherwise a published
    snapshot with that fingerprint is KNOWN (no file) or ALTERED (a file that is
    not its PDF); otherwise UNKNOWN (INVALID when only a malformed fingerprint
    was given). Published snapshots only. At most two queries, plus one for the
    asker's access."""
    published = Snapshot.objects.filter(status=Snapshot.Status.PUBLISHED)
    wanted = normalise_fingerprint(fingerprint)
    found = None
    outcome = Outcome.UNKNOWN
    if pdf_sha256:
        found = published.filter(pdf_sha256=pdf_sha256).first()
        if found is not None:
            outcome = Outcome.GENUINE
    if found is None and wanted:
        found = published.filter(fingerprint=wanted).first()
        if found is not None:
            outcome = Outcome.ALTERED if pdf_sha256 else Outcome.KNOWN
    if found is None:
        if not pdf_sha256 and not wanted:
            return Verification(Outcome.INVALID if fingerprint.strip() else Outcome.UNKNOWN)
        return Verification(Outcome.UNKNOWN, fingerprint=wanted)
    can_open = bool(user.is_authenticated and snapshots_for_user(user).filter(pk=found.pk).exists())
    return Verification(outcome, found, can_open, found.fingerprint)
