"""Sessions in the database, as Django's ``db`` engine keeps them, read with
one statement written once instead of an ORM query built and compiled on
every request (``settings.SESSION_ENGINE``).

Only the read changes: the rows, their signing, expiry, saving, deletion
and ``clearsessions`` are Django's. The class keeps Django's name, since
the name salts the session data's signature: sessions written before stay
valid.

Why not ``cached_db`` on Redis (measured in-process on the benchmark
database, docs/performance.md): it reads a little faster, but a logout
while Redis does not answer deletes the row and leaves the cached copy,
which comes back with Redis and logs the user in again until it expires."""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    """Django's database sessions, read by one plain statement."""

    _statement: str | None = None

    @classmethod
    def _read_statement(cls, connection) -> str:
        if cls._statement is None:
            model = cls.get_model_class()
            quote = connection.ops.quote_name
            meta = model._meta
            cls._statement = (
                f"SELECT {quote(meta.get_field('session_data').column)} "
                f"FROM {quote(meta.db_table)} "
                f"WHERE {quote(meta.get_field('session_key').column)} = %s "
                f"AND {quote(meta.get_field('expire_date').column)} > %s"
            )
        return cls._statement

    def load(self):
        """The session's data, or empty (and no key) when it is unknown or
        expired: as Django's ``db`` engine."""
        key = self.session_key
        if not key:
            self._session_key = None
            return {}
        connection = connections[router.db_for_read(self.model)]
        with connection.cursor() as cursor:
            cursor.execute(self._read_statement(connection), [key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
