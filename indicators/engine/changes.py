"""A full run that writes only the values that changed.

A full run recomputes every value, but most are those the value table holds
already: a nightly run after a day of field work (0.5% of the records, of
the last three months) changes 5,687 of 720,628 values at 1M records. So,
when the value table holds values, a full run

1. writes its values to ``NEW_VALUES`` made by ``staging_table``: unlogged
   (no WAL), without the id's identity and without indexes, where the swap's
   new table was logged, numbered a row at a time and indexed after the load;
2. compares it with the value table in one hash join (``difference``) into a
   temporary table of the values changed, gone and new;
3. in the run's transaction, deletes from the value table the values that
   changed or are gone and inserts the changed and new ones (``apply``):
   readers see all of the run or none of it, as with the swap, and never
   wait for a table swap's lock.

When the difference is large (more than ``LARGE`` of the values: a new
multiplier, a definition changed), deleting and inserting value by value
costs more than a fresh table, so the run builds the swap's new table from
the staged values (``from_staging``) and swaps it in as before; an empty
value table (a new database) takes the swap's path from the start. Measured
at 1M records: "Thirteenth session" in docs/performance.md.

``computed_at`` is then the time a value was last written: a value a run
finds unchanged keeps its time and its id, as the values an incremental run
does not touch do.
"""

from __future__ import annotations

from psycopg2.sql import SQL, Identifier

from indicators.engine.facts import COLUMNS, NEW_VALUES, VALUES
from indicators.sources.sql import planner_settings

# Above this share of the values changed, a fresh table and its index
# build cost less than deleting and inserting the changed values (at 1M
# records: about 60 us of CPU a changed value, scattered over the table's
# pages, against about 4 CPU-s for the copy, its indexes and ANALYZE).
LARGE = 0.1

STAGED = f"{VALUES}_staged"
CHANGES = "_iomdash_changed_values"

_COLUMNS = COLUMNS.split(", ")
# A value's cell: the unique index's columns. The cuts' "all" is NULL, which
# a hash join's keys never match: 0, never an id, stands for it there.
_KEYS = ["definition_id", "period_type", "period_end"]
_CUTS = ["governorate_id", "programme_id", "donor_id"]
# What a value is, beside its cell (not when it was computed).
_COMPARED = [c for c in _COLUMNS if c not in (*_KEYS, *_CUTS, "computed_at")]


def has_values(cursor) -> bool:
    cursor.execute(SQL("SELECT EXISTS (SELECT 1 FROM {})").format(Identifier(VALUES)))
    return cursor.fetchone()[0]


def staging_table(cursor) -> str:
    """An empty unlogged table of the value table's columns but the id, to
    fill (dropping one a killed run left)."""
    cursor.execute(SQL("DROP TABLE IF EXISTS {}").format(Identifier(NEW_VALUES)))
    cursor.execute(
        SQL("CREATE UNLOGGED TABLE {} AS SELECT {} FROM {} WITH NO DATA").format(
            Identifier(NEW_VALUES), SQL(COLUMNS), Identifier(VALUES)
        )
    )
    return NEW_VALUES


def difference(cursor) -> int:
    """The staged values that are not in the value table as they are (new
    or changed), and the value table's that are not staged (gone or
    changed), into the temporary table ``CHANGES``: ``id`` the value
    table's row (NULL for a new value), the staged columns (NULL for a gone
    one). Returns its rows."""
    on = " AND ".join(
        [f"s.{c} = t.{c}" for c in _KEYS]
        + [f"COALESCE(s.{c}, 0) = COALESCE(t.{c}, 0)" for c in _CUTS]
    )
    differs = " OR ".join(f"s.{c} IS DISTINCT FROM t.{c}" for c in _COMPARED)
    cursor.execute(SQL("DROP TABLE IF EXISTS {}").format(Identifier(CHANGES)))
    # A hash join on both cores: the planner, without statistics of the
    # staged table, would sort both tables for a merge join (several times slower).
    with planner_settings(cursor, enable_mergejoin="off"):
        cursor.execute(
            SQL(
                "CREATE TEMP TABLE {changes} ON COMMIT DROP AS "
                "SELECT t.id, {staged} FROM {new} s FULL JOIN {values} t ON {on} "
                "WHERE t.id IS NULL OR s.definition_id IS NULL OR {differs}"
            ).format(
                changes=Identifier(CHANGES),
                staged=SQL(", ".join(f"s.{c}" for c in _COLUMNS)),
                new=Identifier(NEW_VALUES),
                values=Identifier(VALUES),
                on=SQL(on),
                differs=SQL(differs),
            )
        )
    # (The rows a CREATE TABLE AS wrote are not its cursor's rowcount.)
    cursor.execute(SQL("SELECT count(*) FROM {}").format(Identifier(CHANGES)))
    return cursor.fetchone()[0]


def apply(cursor) -> None:
    """Delete the changed and gone values from the value table (by id: the
    primary key's index seeks each) and insert the changed and new ones;
    then drop the staged values."""
    cursor.execute(
        SQL("DELETE FROM {} WHERE id = ANY(ARRAY(SELECT id FROM {} WHERE id IS NOT NULL))").format(
            Identifier(VALUES), Identifier(CHANGES)
        )
    )
    cursor.execute(
        SQL("INSERT INTO {} ({}) SELECT {} FROM {} WHERE definition_id IS NOT NULL").format(
            Identifier(VALUES), SQL(COLUMNS), SQL(COLUMNS), Identifier(CHANGES)
        )
    )
    cursor.execute(SQL("DROP TABLE {}, {}").format(Identifier(CHANGES), Identifier(NEW_VALUES)))


def from_staging(cursor, new_table) -> None:
    """The swap's new table (``new_table``) filled with the staged values,
    in the order they were written (the unique index's, by definition)."""
    cursor.execute(SQL("DROP TABLE IF EXISTS {}").format(Identifier(CHANGES)))
    cursor.execute(
        SQL("ALTER TABLE {} RENAME TO {}").format(Identifier(NEW_VALUES), Identifier(STAGED))
    )
    new_table(cursor)
    cursor.execute(
        SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(
            Identifier(NEW_VALUES), SQL(COLUMNS), SQL(COLUMNS), Identifier(STAGED)
        )
    )
    cursor.execute(SQL("DROP TABLE {}").format(Identifier(STAGED)))
