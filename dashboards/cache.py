"""The dashboards' computed figures, cached until anything they show changes.

A page's context (the selector's figures, before the template and its CSRF
token) is kept in the ``dashboards`` cache (Redis, ``settings.CACHES``) under a
key made of the page and its filters, the user's scope
(``programmes.access.scope_key``: no one is given another scope's figures),
the language and digits, the day (the default quarter and "in progress" depend on it)
and the data stamp (``indicators.selectors.data_stamp``), which every engine
run and every write to a table the dashboards read changes. Nothing has to
be deleted: a change makes a new key, and old ones expire.

The rendered HTML of a page's parts that show only these figures (its title
and content, ``{% fragment %}`` in the templates: no CSRF token, no
notifications, nothing of the user but their scope) is kept too, under the
same key and the request's path and query (the links keep the query), so
that a page served again costs no template rendering but the header's
(``page_fragments``).

When Redis does not answer, pages are computed as without a cache."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

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
    *,
    page: str,
    arg: str,
    query: DashboardQuery,
    user,
    compute: Callable[[], dict | None],
    key: str | None = None,
) -> dict | None:
    """What ``compute()`` returns for ``page`` as ``user`` sees it under
    ``query``: from the cache when the same key was computed before, else
    computed and kept (None, a page that does not exist, is not kept). The
    result is the caller's own copy. Never fails because of the cache.
    ``key``: the ``dashboard_key`` when the caller has it already."""
    key = key or dashboard_key(page=page, arg=arg, query=query, user=user)
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


# The query parameters a dashboard reads (``dashboards.views._query``). A page
# asked with others, or twice the same, is rendered each time: its links keep
# them, and a cache entry per made-up link would let anyone fill Redis.
FRAGMENT_PARAMETERS = frozenset({"as_of", "programme", "donor", "governorate", "map"})


class PageFragments:
    """The rendered parts of one page (``{% fragment name %}``): those
    ``found`` in the cache are given as they are; the others are rendered and
    kept in ``rendered``."""

    def __init__(self, key: str | None, found: dict[str, str] | None = None):
        self.key = key
        self.found = found or {}
        self.rendered: dict[str, str] = {}

    @property
    def complete(self) -> bool:
        """Whether the page was served from the cache (every part was found)."""
        return bool(self.found)

    def render(self, name: str, render: Callable[[], str]) -> SafeString:
        if name in self.found:
            return mark_safe(self.found[name])
        html = render()
        self.rendered[name] = str(html)
        return mark_safe(html)


def fragments_key(*, key: str, request: HttpRequest) -> str | None:
    """The key of the rendered parts of the page ``request`` asks for, whose
    figures are under ``key`` (``dashboard_key``), or None when its query
    holds parameters a dashboard does not read (nothing is kept then)."""
    parameters = request.GET
    if not set(parameters) <= FRAGMENT_PARAMETERS or any(
        len(parameters.getlist(name)) > 1 for name in parameters
    ):
        return None
    digest = hashlib.sha256(f"{key}\x1f{request.get_full_path()}".encode()).hexdigest()
    return f"dashboards:{VERSION}:html:{digest}"


def page_fragments(key: str | None) -> PageFragments:
    """The cached parts of a page under ``key`` (``fragments_key``): none
    found when the page was not rendered since its figures last changed, or
    when ``key`` is None (its query holds parameters a dashboard does not
    read: then nothing is kept either)."""
    fragments = PageFragments(key)
    if fragments.key is None:
        return fragments
    try:
        fragments.found = caches["dashboards"].get(fragments.key) or {}
    except Exception:
        log.warning("dashboard cache unavailable; rendering the page", exc_info=True)
    return fragments


def page_fragments_keep(fragments: PageFragments, *, ignored: list[str]) -> None:
    """Keep the parts just rendered, unless the page said some of its filters
    were ignored (a link with an unknown value: as the unknown parameters
    above). Never fails because of the cache."""
    if fragments.key is None or fragments.complete or ignored or not fragments.rendered:
        return
    try:
        caches["dashboards"].set(fragments.key, fragments.rendered)
    except Exception:
        log.warning("dashboard cache unavailable; page not kept", exc_info=True)
