"""What the migrations loaded (governorates, districts, sub-districts, the
household multiplier…), put back after a transactional test emptied the
database.

A transactional test (``transactional_db``, ``live_server``, a real Celery
worker) commits its data, and Django empties every table when it ends. With
``serialized_rollback`` Django puts the migrations' rows back at the *start*
of that test only, so the next ordinary test found no governorates. On one
process pytest-django runs the transactional tests last, which hid this;
under pytest-xdist a process runs whole modules, transactional tests among
ordinary ones. So the suite puts the rows back as soon as a transactional
test has been torn down (``tests/conftest.py``)."""

from __future__ import annotations


def restore_reference_data() -> None:
    """Put back the serialized contents of the test database (the rows its
    migrations loaded) into the emptied database."""
    from django.db import connections

    connection = connections["default"]
    contents = getattr(connection, "_test_serialized_contents", None)
    assert contents is not None, "the test database was created without its serialized contents"
    # With the triggers off: the rows put back already hold what the triggers
    # derive, and the data stamp's triggers (on TRUNCATE too) would add rows a
    # fresh test database does not have.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        connection.creation.deserialize_db_from_string(contents)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def is_transactional(item) -> bool:
    """Whether the test ``item`` commits (and so empties the database at its end)."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


def restores_itself(item) -> bool:
    """Whether the test ``item`` puts the migrations' rows back at its start
    (a serialized rollback): no need to do it before it."""
    if "django_db_serialized_rollback" in getattr(item, "fixturenames", ()):
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker is not None and marker.kwargs.get("serialized_rollback"))
