"""The dashboards' computed figures, cached until anything they show changes.

A page's context (the selector's figures, before the template and its CSRF
token) is kept in the ``dashboards`` cache (Redis, ``settings.CACHES``) under a
key made of the page and its filters, the user's scope
(``programmes.access.scope_key``: no one is given another scope's figures),
the language and digits, the day (the default quarter and "in progress" depend on it)
and the data stamp (``indicators.selectors.data_stamp``), which every engine
run and every write to a table the dashboards read changes. Nothing has to
be deleted: a change makes a new key, and old ones expire.

When Redis does not answer, pages are computed as without a cache."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.cache import caches
from django.utils import timezone, translation

from indicators.selectors import DashboardQuery, data_stamp
from programmes.access import scope_key
from programmes.l10n import digits_active

log = logging.getLogger(__name__)

# Bumped when what the selectors return changes shape, so that a new release
# never reads an old one's entries.
VERSION = 2  # 2: the programme page holds a summary of its targets and their number


def dashboard_key(*, page: str, arg: str, query: DashboardQuery, user) -> str:
    """The cache key of ``page`` (with its ``arg``, a P-code or a code) under
    ``query`` for ``user`` now. One query (the stamp's; the scope comes with
    the request's user, ``programmes.backends``)."""
    parts = [
        page,
        arg,
        query.as_of.isoformat() if query.as_of else "",
        query.programme or "",
        query.donor or "",
        query.governorate or "",
        query.map or "",
        scope_key(user),
        translation.get_language() or "",
        digits_active(),  # the figures' display texts are written in them
        timezone.localdate().isoformat(),
        data_stamp(),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"dashboards:{VERSION}:{page}:{digest}"


def cached_dashboard(
    *, page: str, arg: str, query: DashboardQuery, user, compute: Callable[[], dict | None]
) -> dict | None:
    """What ``compute()`` returns for ``page`` as ``user`` sees it under
    ``query``: from the cache when the same key was computed before, else
    computed and kept (None, a page that does not exist, is not kept). The
    result is the caller's own copy. Never fails because of the cache."""
    key = dashboard_key(page=page, arg=arg, query=query, user=user)
    cache = caches["dashboards"]
    try:
        found = cache.get(key)
    except Exception:  # any failure of the cache server: compute uncached
        log.warning("dashboard cache unavailable; computing %s uncached", page, exc_info=True)
        return compute()
    if found is not None:
        return found
    data = compute()
    if data is not None:
        try:
            cache.set(key, data)
        except Exception:
            log.warning("dashboard cache unavailable; %s not kept", page, exc_info=True)
    return data
