"""API list pages kept until the data they show changes.

A list whose every row, and everything its serializer reads, lives in tables
that move the data stamp (``programmes.stamp_cache``: every engine
run and every write to such a table) can be served again as it was while
the stamp stays: the indicator values, written only by the engine, and the
projects (their places, programmes, sectors and donors all move it). The page
is kept in the dashboards' cache (Redis) under the request's address (its
filters, ordering and page, and the host its links are built on), the
answer's format, the language, the user and their scope, and the stamp.
Nothing is deleted: a change makes a new key, and old ones expire.

At a million records the values list sorts every value of the cut it asks
for by joined columns (definition code, governorate P-code) before taking
its page: 170 ms a request, or a few milliseconds once kept.

When Redis does not answer, the list is computed as without a cache."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from rest_framework.response import Response

from programmes.stamp_cache import kept_under_stamp


def kept_list(view, request, compute: Callable[[], Response]) -> Response:
    """The list ``compute()`` answers, from the cache while the data stamp
    stays (see the module docstring). Only for a view whose rows and
    serializer read nothing but tables that move the stamp."""
    parts = [
        view.basename or type(view).__name__,
        request.build_absolute_uri(),
        request.accepted_media_type or "",
        translation.get_language() or "",
    ]
    return Response(kept_under_stamp("api-list", request.user, parts, lambda: compute().data))
