"""Leases of job rows: a worker running a job stamps the row's
``heartbeat_at`` every few seconds; a job whose stamp is older than the
lease (its worker was killed, its machine lost) is taken again.

The stamp is written from a thread through a database connection of its
own, so that it is seen while the job's own transaction is open, and so that
a long SQL statement of the job does not stop it. The job rows (recomputation
jobs, imports) live in the layers above; they use this module through
``Heartbeat`` and ``lease_expired_before``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import connections, models
from django.utils import timezone

log = logging.getLogger(__name__)


def lease_seconds() -> float:
    """How long a job's stamp stays good (``JOB_LEASE_SECONDS``, 60 by default)."""
    return float(getattr(settings, "JOB_LEASE_SECONDS", 60))


def lease_expired_before(now: dt.datetime | None = None) -> dt.datetime:
    """A stamp older than this is an expired lease."""
    return (now or timezone.now()) - dt.timedelta(seconds=lease_seconds())


class Heartbeat:
    """``with Heartbeat(Model, pk):`` stamps ``heartbeat_at`` of that row
    with the database's clock every quarter of the lease while the block
    runs. A failed stamp is logged and tried again at the next beat."""

    def __init__(self, model: type[models.Model], pk, *, field: str = "heartbeat_at"):
        self.table = model._meta.db_table
        self.column = model._meta.get_field(field).column
        self.pk = pk
        self.every = max(0.2, lease_seconds() / 4)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{pk}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        connection = connections.create_connection("default")
        quote = connection.ops.quote_name
        statement = (
            f"UPDATE {quote(self.table)} SET {quote(self.column)} = now() WHERE {quote('id')} = %s"
        )
        try:
            while not self._stop.wait(self.every):
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(statement, [self.pk])
                except Exception:
                    log.warning("heartbeat of %s %s not written", self.table, self.pk,
                                exc_info=True)  # fmt: skip
                    connection.close()
        finally:
            connection.close()
