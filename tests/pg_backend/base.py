"""The suite's PostgreSQL backend: Django's, with a faster way to empty the
test database and to put back what the migrations loaded.

A transactional test (``live_server``, a real Celery worker ...) commits, so
Django empties every table when it ends (``flush``: one ``TRUNCATE`` of the
150 tables, about 1 s even when 140 are empty) and, with a serialized
rollback, loads the migrations' rows back from JSON one object at a time
(``deserialize_db_from_string``: 700 queries for the governorates,
districts, sub-districts with their boundaries, permissions and content
types, 1 to 3 s). The suite runs about a hundred such tests.

Here, emptying deletes from the tables that hold rows only, and the
migrations' rows are kept as each table's ``COPY`` text and copied back: a
few statements. Both run with ``session_replication_role = replica`` for
their transaction, so foreign keys are not checked and triggers do not fire,
as when the rows were first read: the rows put back already hold what the
triggers derive, and the data stamp's triggers would add rows a fresh test
database does not have. The resulting database is the same as Django's;
only ``manage.py flush`` with ``reset_sequences`` keeps Django's way.

Used only by ``iomdash/settings_test.py`` (``ENGINE``); production uses
Django's backend unchanged."""

from __future__ import annotations

import io
import json

from django.db import transaction
from django.db.backends.postgresql import base, creation, operations


def _non_empty(connection, tables: list[str]) -> list[str]:
    """Those of ``tables`` that hold a row, in one query."""
    if not tables:
        return []
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, tables)
        return [row[0] for row in cursor.fetchall()]


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        full = _non_empty(self.connection, list(tables))
        if not full:
            return []
        # LOCAL: for the flush's own transaction only (execute_sql_flush is atomic).
        return [
            "SET LOCAL session_replication_role = replica",
            *(f"DELETE FROM {self.quote_name(table)}" for table in full),
            "SET LOCAL session_replication_role = DEFAULT",
        ]


class DatabaseCreation(creation.DatabaseCreation):
    def serialize_db_to_string(self):
        """Every table of the models that holds rows, as ``COPY`` text by table name."""
        tables = self.connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        copies = {}
        with self.connection.cursor() as cursor:
            for table in _non_empty(self.connection, sorted(tables)):
                out = io.StringIO()
                cursor.copy_expert(f"COPY {self.connection.ops.quote_name(table)} TO STDOUT", out)
                copies[table] = out.getvalue()
        return json.dumps(copies)

    def deserialize_db_from_string(self, data):
        """The tables of ``data`` hold its rows again, and only them (as
        Django's, which overwrites the rows of the same keys)."""
        quote = self.connection.ops.quote_name
        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                for table, rows in json.loads(data).items():
                    cursor.execute(f"DELETE FROM {quote(table)}")
                    cursor.copy_expert(f"COPY {quote(table)} FROM STDIN", io.StringIO(rows))
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    creation_class = DatabaseCreation
