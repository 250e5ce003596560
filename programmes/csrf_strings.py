"""Django's CSRF secrets and masks drawn with one read of the system's
random source instead of 32 draws through ``secrets.choice``.

Every page carries its CSRF token masked anew (BREACH: a compressed page
must not repeat a secret), and a kept page (``programmes.kept_pages``) masks
it for each response; Django draws each of a mask's 32 characters with its
own ``secrets.choice``, about a tenth of a kept page's CPU. Here the 32
characters come from one ``os.urandom`` read: each byte below 248 (4 × 62)
picks one of the 62 allowed characters, evenly; the few above are dropped.
The strings are the same as Django's (32 of ``CSRF_ALLOWED_CHARS``, uniform,
from the same source): tokens and cookies stay valid either way.

Installed at start-up (``ProgrammesConfig.ready``) in place of
``django.middleware.csrf._get_new_csrf_string``, which Django's
``get_token``, masking and new cookies look up when they run."""

from __future__ import annotations

import os

from django.middleware import csrf

_CHARS = csrf.CSRF_ALLOWED_CHARS
_EVEN = len(_CHARS) * (256 // len(_CHARS))  # 248: bytes below it map evenly
_TABLE = bytes(ord(_CHARS[byte % len(_CHARS)]) if byte < _EVEN else 0 for byte in range(256))
_DROPPED = bytes(range(_EVEN, 256))


def csrf_string() -> str:
    """``CSRF_SECRET_LENGTH`` characters of ``CSRF_ALLOWED_CHARS``, uniform."""
    length = csrf.CSRF_SECRET_LENGTH
    text = b""
    while len(text) < length:
        text += os.urandom(length + 8).translate(_TABLE, _DROPPED)
    return text[:length].decode("ascii")


def install() -> None:
    """Django's CSRF strings drawn by ``csrf_string`` from now on."""
    csrf._get_new_csrf_string = csrf_string
