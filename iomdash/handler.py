"""Django's WSGI handler, with the view each address resolves to kept (and
the database connections checked without a round trip: ``iomdash.db_health``).

Django resolves every request's path by walking the URL patterns (the API's
router, the apps' includes): 36-126 µs of CPU for the load test's addresses,
2-4 µs kept, of a kept page's 4 ms or so (docs/performance.md, thirteenth
session). What a
path resolves to depends on the path and the URLconf only (no pattern here
depends on the language or the request, and the URLconf does not change
while a process runs), so the match is kept per resolver and path, and each
request gets a copy of its own. A path that matches nothing is resolved
each time (its 404 is built as before), and at most ``KEPT`` paths are kept
per resolver: past that the table is emptied and filled again."""

from __future__ import annotations

from django.core.handlers.wsgi import WSGIHandler as _WSGIHandler
from django.urls import ResolverMatch, get_resolver, set_urlconf

from iomdash import db_health

KEPT = 4096


class WSGIHandler(_WSGIHandler):
    def get_response(self, request):
        # Kept connections checked by a poll of their sockets, not a SELECT 1
        # (iomdash/db_health.py): after request_started, before any query.
        db_health.connections_check()
        return super().get_response(request)

    def resolve_request(self, request):
        if hasattr(request, "urlconf"):
            urlconf = request.urlconf
            set_urlconf(urlconf)
            resolver = get_resolver(urlconf)
        else:
            resolver = get_resolver()
        kept = resolver.__dict__.setdefault("_iomdash_kept", {})
        path = request.path_info
        match = kept.get(path)
        if match is None:
            match = resolver.resolve(path)
            if len(kept) >= KEPT:
                kept.clear()
            kept[path] = match
        # (ResolverMatch refuses copy.copy: it refuses to be pickled.)
        kept_match, match = match, ResolverMatch.__new__(ResolverMatch)
        match.__dict__.update(kept_match.__dict__)
        for name in ("kwargs", "captured_kwargs", "extra_kwargs"):
            value = getattr(match, name)
            if value is not None:
                setattr(match, name, dict(value))
        request.resolver_match = match
        return match
