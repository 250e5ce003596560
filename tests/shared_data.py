"""Data built once for a module's tests instead of once for each test, as
Django's ``TestCase.setUpTestData`` does: the data is built in a transaction
held open for the module, each test runs in its own transaction nested in it
(a savepoint, which pytest-django's ``db`` rolls back after the test) and
gets a deep copy of the objects, so that what a test changes, in the
database or on an object, never reaches the next test. The module's
transaction is rolled back after its last test.

A transactional test (``transactional_db``, ``live_server``, a Celery
worker) cannot run inside that transaction: it commits and empties the
database. It may not run while a module's shared data is open
(``tests/conftest.py`` fails it); it goes in a module of its own."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

# The modules whose shared transaction is open now.
OPEN: set[str] = set()


def built_for_module(django_db_blocker, build: Callable[[], T], module: str) -> Iterator[T]:
    """For a module-scoped fixture (``yield from``): ``build()``'s data, in a
    transaction rolled back after the module's last test. Tests take a copy
    (``copy_for_test``)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            data = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    OPEN.add(module)
    try:
        yield data
    finally:
        OPEN.discard(module)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def copy_for_test(data: T) -> T:
    """A deep copy of the module's objects for one test (as Django copies
    ``setUpTestData``'s attributes for each test)."""
    return copy.deepcopy(data)
