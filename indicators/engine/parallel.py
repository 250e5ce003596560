"""A full run's statements on two connections at once.

PostgreSQL gives parallel workers to the cube build (``CREATE TABLE ... AS
SELECT``) and to the index build, but never to an ``INSERT ... SELECT``: the
definitions' statements, most of a full run, used one core of two. Here a
second connection takes half of them, in its own transaction:

- the main connection's transaction takes the engine's lock and holds it to
  the end (one run at a time, as before);
- the second connection creates, committed, the empty new value table and
  the cubes: the cubes as unlogged tables of the schema ``SCHEMA`` (a
  temporary table is its own session's), which both connections find on
  their search path; no reader reads either;
- both connections take statements from one queue, largest first; the
  second's writes commit when the queue is empty, before the main
  connection builds the indexes (which must see them), swaps the tables and
  commits the data stamp with the swap, as a one-connection run does;
- on any error, the other connection's statement is cancelled, the second
  connection's transaction rolled back, and the new table and the cubes
  dropped: the value table was never touched. A run killed with its process
  leaves them behind, and the next run drops them before it starts.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections import deque
from collections.abc import Callable

import psycopg2
from django.db import connection
from psycopg2.sql import SQL, Identifier

from indicators.engine.facts import NEW_VALUES
from indicators.engine.timings import step
from indicators.sources.sql import cubes_in

log = logging.getLogger(__name__)

SCHEMA = "indicators_engine"

# One statement of the run: its name (for the timings) and what runs it on a cursor.
Task = tuple[str, Callable[[object], None]]


def use_schema(cursor, *, local: bool) -> None:
    """Find the full run's cubes by their plain names: ``SCHEMA`` at the end
    of the search path (for the transaction only when ``local``)."""
    cursor.execute(
        "SELECT set_config('search_path', current_setting('search_path') || ', ' || %s, %s)",
        [SCHEMA, local],
    )


class Second:
    """The second connection: a psycopg2 connection of its own (not Django's,
    which is one per thread), with the main connection's settings."""

    def __init__(self) -> None:
        self.connection = connection.get_new_connection(connection.get_connection_params())
        try:
            self.connection.autocommit = True
            self.cursor = self.connection.cursor()
            self.cursor.execute("SET TIME ZONE %s", [connection.timezone_name])
            self.cursor.execute("SET work_mem = '128MB'")
            self.cursor.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(SCHEMA)))
        except BaseException:
            self.connection.close()
            raise

    @classmethod
    def open(cls) -> Second | None:
        """The second connection, or None when there can be none (no
        connection left, or a role that may not create the schema): the run
        then stays on one connection."""
        try:
            return cls()
        except psycopg2.Error as exc:
            log.warning("a full run on one connection: no second one (%s)", exc)
            return None

    def prepare(self, cursor, *, build_cubes: Callable[[object], None], new_table) -> str:
        """Committed: the empty new table (``new_table``) and the
        cubes (``build_cubes`` on this connection's cursor); then the search
        path of both connections. Returns the new table's name."""
        with step("new table"):
            table = new_table(self.cursor)
        with step("cube build"), cubes_in(SCHEMA):
            build_cubes(self.cursor)
        use_schema(self.cursor, local=False)
        use_schema(cursor, local=True)
        return table

    def drop_cubes(self, cursor) -> None:
        """Drop the cubes, on ``cursor`` (in the main transaction, after the statements)."""
        cursor.execute(
            "SELECT string_agg(format('%%I.%%I', schemaname, tablename), ', ') FROM pg_tables "
            "WHERE schemaname = %s",
            [SCHEMA],
        )
        cubes = cursor.fetchone()[0]
        if cubes:
            cursor.execute(f"DROP TABLE {cubes}")

    def clean_up(self) -> None:
        """After a failed run: roll back this connection's writes and drop the
        new table and the cubes (the main transaction has been rolled back)."""
        if self.connection.closed:
            return
        self.connection.rollback()
        self.connection.autocommit = True
        self.cursor.execute(SQL("DROP TABLE IF EXISTS {}").format(Identifier(NEW_VALUES)))
        self.drop_cubes(self.cursor)

    def close(self) -> None:
        if not self.connection.closed:
            self.connection.close()


def run_both(
    cursor, second: Second, tasks: list[Task], count: str, *, done: Callable[[str], None]
) -> int:
    """Run ``tasks`` on ``cursor`` (this thread) and on ``second`` (another
    thread), each taking the next from one queue. ``count`` is a query for the
    rows the second connection's transaction wrote, which it reads before
    it commits. ``done(name)`` is called in this thread after each of its
    statements. Returns that count; raises the first error of either (the
    second's then rolled back, the other's statement cancelled)."""
    main = connection.connection  # Django's is one per thread: the raw one, for the other
    queue = deque(tasks)
    guard = threading.Lock()
    errors: list[BaseException] = []
    written = [0]

    def take() -> Task | None:
        with guard:
            if errors or not queue:
                return None
            return queue.popleft()

    def fail(exc: BaseException) -> None:
        with guard:
            errors.append(exc)

    def second_work() -> None:
        try:
            second.connection.autocommit = False
            while (task := take()) is not None:
                name, run = task
                with step(f"{name} [second connection]"):
                    run(second.cursor)
            if errors:
                second.connection.rollback()
                return
            second.cursor.execute(count)
            written[0] = second.cursor.fetchone()[0]
            second.connection.commit()
        except BaseException as exc:
            fail(exc)
            main.cancel()

    thread = threading.Thread(
        target=contextvars.copy_context().run, args=(second_work,), name="engine-second"
    )
    thread.start()
    try:
        while (task := take()) is not None:
            name, run = task
            with step(name):
                run(cursor)
            done(name)
    except BaseException as exc:
        fail(exc)
        second.connection.cancel()
        thread.join()
        if errors[0] is exc:
            raise
        # The second connection failed first and cancelled this one's statement.
        raise errors[0] from None
    with step("waiting for the second connection"):
        thread.join()
    if errors:
        raise errors[0]
    return written[0]
