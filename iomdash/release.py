"""A fingerprint of what a release serves as written: its templates, its
translation catalogues and its static files.

The dashboards' cache (Redis) keeps rendered parts and whole pages until the
data stamp moves; the stamp does not move when a release changes a template,
a translation or a hashed static file's name. Its key prefix carries this
fingerprint (settings ``CACHES``), so that a new release never serves a page
the previous one rendered: with old wording, or naming static files the new
release no longer has. The same files give the same fingerprint on every
process and host of a release."""

from __future__ import annotations

import hashlib
from pathlib import Path

# What a kept page's bytes come from, besides the data and the code (whose
# changes of shape bump the caches' own VERSION numbers).
SERVED = ("templates", "locale", "static")


def fingerprint(base_dir: Path) -> str:
    """Twelve hex digits of the paths and contents of the files under
    ``base_dir``'s served folders (compiled catalogues left out: they are made
    from the ``.po`` files, at different times on different hosts)."""
    digest = hashlib.sha256()
    for folder in SERVED:
        for path in sorted((base_dir / folder).rglob("*")):
            if (
                path.is_file()
                and path.suffix not in (".mo", ".pyc")
                and "node_modules" not in path.parts  # build tools of a vendored bundle
            ):
                digest.update(path.relative_to(base_dir).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
