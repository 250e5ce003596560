"""What is kept until the data stamp moves (``programmes.hooks.data_stamp``:
every engine run and every committed write to a table the dashboards read),
for one user: their scope and id are in the key, since the tables of who
manages what do not move the stamp. Nothing is deleted: a change makes a new
key, and old ones expire. Used by the visit list's counts and choices, the
API's list counts and its values page.

Only for what reads nothing but tables that move the stamp. Computed each
time when no app keeps a stamp or Redis does not answer."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches

from programmes import hooks
from programmes.access import scope_key

log = logging.getLogger(__name__)

T = TypeVar("T")


def stamp_key(name: str, user, parts: list) -> str | None:
    """The key ``kept_under_stamp`` keeps ``name`` under for ``user`` and
    ``parts`` now, or None when no app keeps a stamp. One query (the stamp)."""
    stamp = hooks.data_stamp()
    if stamp is None:
        return None
    text = "\x1f".join(map(str, [scope_key(user), user.pk, *parts, stamp]))
    return f"stamped:{name}:{hashlib.sha256(text.encode()).hexdigest()}"


def kept_under_stamp(
    name: str,
    user,
    parts: list,
    compute: Callable[[], T],
    *,
    keep_if: Callable[[T], bool] | None = None,
    key: str | None = None,
) -> T:
    """What ``compute()`` returns for ``user`` and ``parts`` (each made a
    text), from the dashboards' cache while the data stamp stays, else
    computed and kept (unless ``keep_if`` says no to it). ``name`` sets the
    kept values of one kind apart. Never fails because of the cache.
    ``key``: the ``stamp_key`` of the same, when the caller has it already."""
    key = key or stamp_key(name, user, parts)
    if key is None:
        return compute()
    cache = caches["dashboards"]
    try:
        found = cache.get(key)
    except Exception:  # any failure of the cache server: computed uncached
        log.warning("cache unavailable; %s computed uncached", name, exc_info=True)
        return compute()
    if found is None:
        found = compute()
        if keep_if is not None and not keep_if(found):
            return found
        try:
            cache.set(key, found)
        except Exception:
            log.warning("cache unavailable; %s not kept", name, exc_info=True)
    return found
