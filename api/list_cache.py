"""API list pages kept until the data they show changes.

A list whose every row, and everything its serializer reads, lives in tables
that move the data stamp (``indicators.selectors.data_stamp``: every engine
run and every write to such a table) can be served again as it was while
the stamp stays: the indicator values, written only by the engine. The page
is kept in the dashboards' cache (Redis) under the request's address (its
filters, ordering and page, and the host its links are built on), the
answer's format, the language, the user and their scope, and the stamp.
Nothing is deleted: a change makes a new key, and old ones expire.

At a million records the values list sorts every value of the cut it asks
for by joined columns (definition code, governorate P-code) before taking
its page: 170 ms a request, or a few milliseconds once kept.

When Redis does not answer, the list is computed as without a cache."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.cache import caches
from django.utils import translation
from rest_framework.response import Response

log = logging.getLogger(__name__)

# Bumped when what a kept list holds changes shape.
VERSION = 1


def list_key(view, request) -> str:
    """The cache key of the list ``request`` asks ``view`` for, for its user now.
    One query (the stamp's)."""
    from indicators.selectors import data_stamp
    from programmes.access import scope_key

    user = request.user
    parts = [
        view.basename or type(view).__name__,
        request.build_absolute_uri(),
        request.accepted_media_type or "",
        translation.get_language() or "",
        str(user.pk),
        scope_key(user),
        data_stamp(),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"api:list:{VERSION}:{digest}"


def kept_list(view, request, compute: Callable[[], Response]) -> Response:
    """The list ``compute()`` answers, from the cache while the data stamp
    stays (see the module docstring). Only for a view whose rows and
    serializer read nothing but tables that move the stamp."""
    cache = caches["dashboards"]
    try:
        key = list_key(view, request)
        found = cache.get(key)
    except Exception:  # any failure of the cache server: computed uncached
        log.warning("API list cache unavailable", exc_info=True)
        return compute()
    if found is not None:
        return Response(found)
    response = compute()
    if response.status_code == 200:
        try:
            cache.set(key, response.data)
        except Exception:
            log.warning("API list cache unavailable; list not kept", exc_info=True)
    return response
