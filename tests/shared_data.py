"""Data built once for a module's tests instead of once for each test, as
Django's ``TestCase.setUpTestData`` does: the data is built in a transaction
held open for the module, each test runs in its own transaction nested in it
(a savepoint, which pytest-django's ``db`` rolls back after the test) and
gets a deep copy of the objects, so that what a test changes, in the
database or on an object, never reaches the next test. The module's
transaction is rolled back after its last test.

A transactional test (``transactional_db``, ``live_server``, a Celery
worker) cannot run inside that transaction: it commits and empties the
database. In a module with one, each test builds its own data, as before."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import TypeVar

from tests.reference_data import is_transactional

T = TypeVar("T")

# The modules whose shared transaction is open now.
OPEN: set[str] = set()


def built_for_module(request, django_db_blocker, build: Callable[[], T]) -> Iterator[T | None]:
    """For a module-scoped fixture (``yield from``): ``build()``'s data, in a
    transaction rolled back after the module's last test; None when a test of
    the module is transactional. Tests take their data with ``for_test``."""
    module = request.module
    items = [item for item in request.session.items if getattr(item, "module", None) is module]
    if any(is_transactional(item) for item in items):
        yield None
        return
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # as TestCase's: a durable block may open in it
        atomic.__enter__()
        try:
            data = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    OPEN.add(module.__name__)
    try:
        yield data
    finally:
        OPEN.discard(module.__name__)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def for_test(shared: T | None, build: Callable[[], T]) -> T:
    """A test's data: a deep copy of the module's (as Django copies
    ``setUpTestData``'s attributes for each test), or its own when the module
    shares none."""
    return build() if shared is None else copy.deepcopy(shared)


# The builders of ``shared_for_module`` fixtures, by the module defining them,
# and the data built for the module running now.
BUILDERS: dict[str, dict[str, Callable]] = {}
SHARED: dict[str, dict] = {}


def shared_for_module(build: Callable[[], T]):
    """A fixture named as ``build``, a function of no arguments defined in a
    test module: each test of the module gets a copy of ``build()``'s data,
    built once for the module by ``tests/conftest.py`` (``_shared_for_module``)."""
    import pytest

    BUILDERS.setdefault(build.__module__, {})[build.__name__] = build

    @pytest.fixture(name=build.__name__)
    def fixture(request):
        shared = SHARED.get(request.module.__name__, {})
        return for_test(shared.get(build.__name__), build)

    fixture.__doc__ = build.__doc__
    return fixture


def module_builds(request) -> Iterator[None]:
    """For the module-scoped fixture of ``tests/conftest.py`` (``yield from``):
    build the data of the module's ``shared_for_module`` fixtures its tests use."""
    module = request.module
    used = {
        name
        for item in request.session.items
        if getattr(item, "module", None) is module
        for name in getattr(item, "fixturenames", ())
    }
    builders = {
        name: build for name, build in BUILDERS.get(module.__name__, {}).items() if name in used
    }
    if not builders:
        yield
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    for data in built_for_module(
        request, blocker, lambda: {name: build() for name, build in builders.items()}
    ):
        if data is not None:
            SHARED[module.__name__] = data
        try:
            yield
        finally:
            SHARED.pop(module.__name__, None)
