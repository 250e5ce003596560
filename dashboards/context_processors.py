"""What every page's header shows: the count of unread notifications."""

from __future__ import annotations

from functools import cache

from programmes.notifications import unread_count


def notifications(request) -> dict:
    """``unread_notifications``: a callable the template calls only where it
    shows the header. No query: the count comes with the request's user
    (``programmes.backends``); one query, at most once per page, for a user
    loaded otherwise or whose notifications changed during the request."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_notifications": cache(lambda: unread_count(user))}
