"""Django's connection health check without a round trip when nothing
happened to the connection.

With ``CONN_HEALTH_CHECKS`` (settings), Django sends ``SELECT 1`` before the
first query of every request on a kept connection, so that a connection the
database closed (a restart, a terminated backend) is opened again instead of
showing the user a 500. On a page kept whole that is one of four round trips
(the check, the session, the user, the data stamp).

An idle PostgreSQL connection has nothing to read: the server writes only
in answer to a query, except when it ends the connection, when it sends its
reason (``FATAL: terminating connection ...``) and closes the socket, or
when a setting it reports changes (a reload). So at the start of a request
the connection's socket is polled (no wait, no round trip): readable, or
already closed by the driver, and the connection is closed here and opened
again at the first query, as a failed check does; otherwise it counts as
checked for this request. What a poll cannot see, a database host that
vanished without closing its sockets, would leave ``SELECT 1`` waiting too.

Called by the WSGI handler (``iomdash.handler``) as each request starts,
after Django's ``request_started`` handlers have marked the connections for a
check (as a handler of that signal it would depend on the handlers' order,
which Django's test client changes); a Celery task keeps Django's
``SELECT 1`` check."""

from __future__ import annotations

import select

from django.db import connections


def _readable(fileno: int) -> bool:
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def connections_check() -> None:
    """Close each of this thread's kept connections that the database
    ended or wrote to while idle; mark the others checked for the request."""
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if (
            raw is None
            or not connection.health_check_enabled
            or connection.health_check_done
            or connection.in_atomic_block
        ):
            continue
        if raw.closed or _readable(raw.fileno()):
            connection.close()
        else:
            connection.health_check_done = True
