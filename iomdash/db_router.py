"""Dashboard pages read from a PostgreSQL replica when one is configured
(``DATABASE_REPLICA_URL``); everything else reads and writes the primary.

- Only the dashboard pages read from the replica (``ReplicaReadsMiddleware``
  sets a context flag for their GET requests). A page that follows a write
  (the list after "Save") reads the primary, so nobody misses what they just
  saved because the replica lags.
- Per-user rows are always read from the primary (a session, a profile, a
  notification just written must be seen), and so are sessions and logins
  (their apps are not routed at all).
- The data stamp (``indicators.selectors.stamp``) is read from the same
  database as the figures, through ``read_connection()``: a stamp newer than
  the figures read would cache old figures under a new key.
- Figures built from the records use temporary tables, which a hot standby
  refuses; they stay on the primary (see docs/scaling.md).
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# The apps whose reference data and stored figures a dashboard shows.
_ROUTED_APPS = frozenset({"indicators", "programmes", "beneficiaries"})
# Rows a user writes and must see at once: read where they are written.
_PRIMARY_ONLY = frozenset(
    {
        ("programmes", "userprofile"),
        ("programmes", "notification"),
        ("programmes", "notificationpreference"),
        ("programmes", "outboxtask"),
        ("beneficiaries", "importbatch"),
        ("indicators", "recomputejob"),
        ("indicators", "enginelock"),
    }
)
_reading = contextvars.ContextVar("iomdash_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    """Inside: routed reads go to the replica, when there is one."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def read_alias() -> str:
    return REPLICA if _reading.get() and replica_configured() else DEFAULT_DB_ALIAS


def read_connection():
    """The connection a raw read of dashboard data uses now."""
    return connections[read_alias()]


class ReplicaRouter:
    """Routes the dashboards' reads (see the module's docstring)."""

    def db_for_read(self, model, **hints):
        meta = model._meta
        if (
            meta.app_label in _ROUTED_APPS
            and (meta.app_label, meta.model_name) not in _PRIMARY_ONLY
        ):
            return read_alias()
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
