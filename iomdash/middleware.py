"""Requests refused before any view runs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from iomdash import db_router
from iomdash.db_router import replica_reads


class RejectNulMiddleware:
    """A NUL character in the address (its path, or a name or value of its
    query string, percent-encoded as %00) is a 400: PostgreSQL refuses NUL
    in text, so such a value reaching a query would be a 500, or a file cut
    short after its header rows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = _(
                "The address contains a NUL character (%(code)s). Remove it and try again."
            ) % {"code": "%00"}
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ReplicaReadsMiddleware:
    """The dashboard pages (GET) read from the replica when one is configured
    (``iomdash.db_router``); every other request reads the primary."""

    PAGES = frozenset({"dashboards:mission", "dashboards:governorate", "dashboards:programme"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Without a replica nothing would change: no second URL resolution then.
        if (
            request.method in ("GET", "HEAD")
            and db_router.replica_configured()
            and self._dashboard(request.path_info)
        ):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)

    def _dashboard(self, path: str) -> bool:
        try:
            return resolve(path).view_name in self.PAGES
        except Resolver404:
            return False
