"""The full run's table swap: a fresh copy of the value table is filled
without indexes, then given the value table's indexes and name."""

from __future__ import annotations

from psycopg2.sql import SQL, Identifier

from indicators.engine.facts import NEW_VALUES, VALUES
from indicators.engine.timings import step


def new_table(cursor) -> str:
    """An empty copy of the value table (columns, defaults, identity, checks),
    without its indexes, to fill: inserting into an unindexed table and then
    building each index once costs a fraction of inserting through them."""
    cursor.execute(SQL("DROP TABLE IF EXISTS {}").format(Identifier(NEW_VALUES)))
    cursor.execute(
        SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL EXCLUDING INDEXES)").format(
            Identifier(NEW_VALUES), Identifier(VALUES)
        )
    )
    return NEW_VALUES


def indexes_of(cursor, table: str) -> list[tuple[str, bool, str]]:
    """The indexes of ``table`` as the migrations made them: (name, whether a
    constraint owns it, its definition: the constraint's for a constraint,
    the part from USING on for a plain index)."""
    cursor.execute(
        """
        SELECT i.relname, c.conname IS NOT NULL,
               COALESCE(pg_get_constraintdef(c.oid),
                        (x.indisunique::text || ' ' ||
                         substring(pg_get_indexdef(x.indexrelid) from ' USING .*$')))
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
        WHERE x.indrelid = %s::regclass
        ORDER BY i.relname
        """,
        [table],
    )
    return cursor.fetchall()


def swap_in(cursor) -> None:
    """Build on the filled copy the indexes and constraints the value table
    has (read from the catalog, so an index a migration adds is kept) and put
    the copy in the value table's place under the value table's own names, so
    the schema stays what the migrations made. Readers wait only for the
    moment between the DROP and the commit."""
    indexes = indexes_of(cursor, VALUES)
    new = Identifier(NEW_VALUES)
    for name, is_constraint, definition in indexes:
        temporary = Identifier(f"{name}_new")
        with step("index build"):
            if is_constraint:
                cursor.execute(
                    SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                        new, temporary, SQL(definition)
                    )
                )
            else:
                unique, using = definition.split(" ", 1)
                cursor.execute(
                    SQL("CREATE {}INDEX {} ON {} {}").format(
                        SQL("UNIQUE " if unique == "true" else ""), temporary, new, SQL(using)
                    )
                )
    # Statistics for the columns readers filter on, so the first dashboard
    # after the swap is planned well (the other columns are never filtered).
    # A sample of 30 x 300 rows, not 100 x 300: these columns have a few to a
    # few hundred values (definitions, period types, places, month ends),
    # and the sample was most of ANALYZE's time.
    with step("analyze"):
        cursor.execute("SET LOCAL default_statistics_target = 30")
        cursor.execute(
            SQL(
                "ANALYZE {} (definition_id, period_type, governorate_id, programme_id, "
                "donor_id, period_end)"
            ).format(new)
        )
    with step("table swap"):
        _storage_in(cursor)
        _rename_in(cursor, indexes)


def _storage_in(cursor) -> None:
    """Give the filled copy the value table's storage options (``LIKE`` does
    not copy them), set after the load so that they apply only to the rows
    written later: the copy's pages stay packed, and the rows an incremental
    run updates move to pages with the room its fillfactor leaves (migration
    ``0017_value_table_fillfactor``)."""
    cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [VALUES])
    options = cursor.fetchone()[0]
    if options:
        cursor.execute(
            SQL("ALTER TABLE {} SET ({})").format(Identifier(NEW_VALUES), SQL(", ".join(options)))
        )


def _rename_in(cursor, indexes: list[tuple[str, bool, str]]) -> None:
    """Drop the value table and give the filled copy its name and its indexes' names."""
    new = Identifier(NEW_VALUES)
    cursor.execute(SQL("DROP TABLE {}").format(Identifier(VALUES)))
    cursor.execute(SQL("ALTER TABLE {} RENAME TO {}").format(new, Identifier(VALUES)))
    for name, _is_constraint, _definition in indexes:
        # Renaming the index renames the constraint that owns it.
        cursor.execute(
            SQL("ALTER INDEX {} RENAME TO {}").format(Identifier(f"{name}_new"), Identifier(name))
        )
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [VALUES])
    sequence = cursor.fetchone()[0]
    if sequence and sequence.split(".")[-1].strip('"') != f"{VALUES}_id_seq":
        cursor.execute(
            SQL("ALTER SEQUENCE {} RENAME TO {}").format(
                SQL(sequence), Identifier(f"{VALUES}_id_seq")
            )
        )
