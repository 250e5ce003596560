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

A list answered in JSON is kept as its rendered bytes: asked again, it is
sent as kept, without unpickling rows, encoding JSON or rendering through
DRF (the same bytes and headers as when it was computed: the response is
built the same way both times). Other formats (CSV) keep the list's data.

When Redis does not answer, the list is computed as without a cache."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.utils import translation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from programmes.stamp_cache import kept_under_stamp


def kept_list(view, request, compute: Callable[[], Response]) -> HttpResponse:
    """The list ``compute()`` answers, from the cache while the data stamp
    stays (see the module docstring). Only for a view whose rows and
    serializer read nothing but tables that move the stamp."""
    parts = [
        view.basename or type(view).__name__,
        request.build_absolute_uri(),
        request.accepted_media_type or "",
        translation.get_language() or "",
    ]
    renderer = getattr(request, "accepted_renderer", None)
    if type(renderer) is not JSONRenderer:
        return Response(kept_under_stamp("api-list", request.user, parts, lambda: compute().data))

    def rendered() -> bytes:
        return renderer.render(
            compute().data, request.accepted_media_type, view.get_renderer_context()
        )

    content = kept_under_stamp("api-json", request.user, parts, rendered)
    # As DRF's Response sets it for this renderer (it has no charset).
    return HttpResponse(content, content_type=renderer.media_type)
