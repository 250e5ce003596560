"""Whole pages kept as rendered, header included, so that a page asked again
costs no template rendering at all.

A page whose content is kept under the data stamp (the dashboards, the visit
list) is rendered once more with its header for each user and kept whole
under its content's key (which carries the page, its query, the scope, the
language, the digits, the day and the stamp) and everything of the header
that changes its bytes (``header_parts``): the user (their name, whether
they are staff or a superuser, their role), their unread count, the
language, the digits cookie and the address. The CSRF token, the only part
that differs from one response to the next, is kept as a placeholder and put
in when the page is served (``page_response``: masked anew each time, as
``{% csrf_token %}`` does). A page with messages to show is neither served
from nor kept.

Nothing is deleted: a change makes a new key, and old ones expire. When
Redis does not answer, the page is rendered as without a cache."""

from __future__ import annotations

import hashlib
import logging

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation

from programmes.access import user_role
from programmes.notifications import unread_count
from programmes.preferences import DIGITS_COOKIE_NAME

log = logging.getLogger(__name__)

# In the kept page where the response's CSRF token goes. A NUL cannot come
# from the data (PostgreSQL refuses it in text, and addresses holding one
# are refused before any view: iomdash.middleware.RejectNulMiddleware).
CSRF_PLACEHOLDER = "\x00csrf-token\x00"

# Bumped when the header's template starts showing something of the user
# or the request that ``header_parts`` does not carry yet.
VERSION = 1


def header_parts(request: HttpRequest) -> list[str]:
    """Everything of the request that the header and the page around a kept
    content show (``templates/base.html``, ``nav_items.html``,
    ``language_switcher.html``), the CSRF token apart."""
    user = request.user
    return [
        str(user.pk),
        user.get_username(),
        str(user.is_staff),
        str(user.is_superuser),
        str(user_role(user)),
        str(unread_count(user)),
        translation.get_language() or "",
        request.COOKIES.get(DIGITS_COOKIE_NAME, ""),
        request.get_full_path(),
    ]


def page_key(request: HttpRequest, content_key: str | None) -> str | None:
    """The key of the whole page ``request`` asks for, whose content is kept
    under ``content_key``; None (the page is neither served from nor kept)
    without a content key or when the request has messages to show."""
    if content_key is None or len(get_messages(request)):
        return None
    text = "\x1f".join([content_key, *header_parts(request)])
    return f"page:{VERSION}:{hashlib.sha256(text.encode()).hexdigest()}"


def page_found(key: str | None) -> str | None:
    """The page kept under ``key``, or None. Never fails because of the cache."""
    if key is None:
        return None
    try:
        return caches["dashboards"].get(key)
    except Exception:  # any failure of the cache server: rendered
        log.warning("cache unavailable; page rendered", exc_info=True)
        return None


def page_response(request: HttpRequest, page: str, status: int = 200) -> HttpResponse:
    """``page`` (as kept) with this response's CSRF token put in."""
    if CSRF_PLACEHOLDER in page:
        page = page.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(page, status=status)


def page_render(
    request: HttpRequest, template: str, context: dict, *, key: str | None
) -> HttpResponse:
    """``template`` rendered for ``request``, kept under ``key`` (a
    ``page_key``, or None: not kept) with its CSRF token as a placeholder.
    Never fails because of the cache."""
    page = render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER}, request)
    if key is not None:
        try:
            caches["dashboards"].set(key, page)
        except Exception:
            log.warning("cache unavailable; page not kept", exc_info=True)
    return page_response(request, page)
