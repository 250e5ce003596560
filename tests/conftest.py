"""Fixtures shared by the whole suite: the standing users per role and a real
Celery worker process."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest

from iomdash.worker import WorkerProcess
from tests import shared_data
from tests.reference_data import is_transactional, restore_reference_data, restores_itself

# The browser fixtures (one Chromium for the whole session, whichever folder
# a browser test lives in: two sync Playwright instances cannot share a thread).
pytest_plugins = ["tests.browser.fixtures"]

BASE_DIR = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def database_url_for(settings_dict: dict) -> str:
    """A DATABASE_URL for the database Django is using now (the test database)."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password)}@" if password else f"{user}@"
    host = quote(settings_dict.get("HOST") or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{settings_dict['NAME']}"


def _from_template(config) -> bool:
    """Whether the test database is a copy of the migrated template
    (tests/db_template.py): not when pytest-django is asked to create it
    afresh or to skip the migrations."""
    return not (config.getvalue("create_db") or config.getvalue("nomigrations"))


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_keepdb):
    """The copy made by ``django_db_modify_db_settings`` is the test database
    pytest-django keeps using (it drops the copy at the end)."""
    return django_db_keepdb or _from_template(request.config)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings, django_db_blocker):
    """After pytest-django names this process's test database (``_gw0`` ...),
    make it a copy of the migrated template, and drop it when the session ends."""
    if not _from_template(request.config) or request.config.getvalue("reuse_db"):
        yield
        return
    from django.db import connections

    from tests.db_template import database_clone, database_drop

    connection = connections["default"]
    with django_db_blocker.unblock():
        name = database_clone(connection)
    yield
    with django_db_blocker.unblock():
        database_drop(connection, name)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database, with its serialized contents (what the migrations
    loaded: governorates, the household multiplier) shared by every
    connection object. Django's connections are per context, and Playwright's
    event loop gives browser tests a fresh connection object that would
    otherwise have nothing to restore after a transactional test's flush."""
    from django.db import connections

    connection = connections["default"]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is not None:
        type(connection)._test_serialized_contents = contents
    yield


# The modules that take a minute or more (``make test``'s slowest tests):
# started first, so that under xdist the other modules fill the processes
# around them instead of one process running them alone at the end.
LONGEST_FIRST = (
    "tests/api/test_schema.py",
    "tests/iomdash/test_stack.py",
    "tests/browser/test_every_page.py",
    "tests/indicators/test_figures_property.py",
    "tests/indicators/test_incremental_property.py",
    "tests/snapshots/test_pdf_arabic.py",
    "tests/snapshots/test_browser.py",
    "tests/snapshots/test_pdf_geometry.py",
    "tests/test_migrations_data.py",
    "tests/programmes/test_demo.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The longest modules first (``LONGEST_FIRST``), the rest in their order."""
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A transactional test cannot run while a module's shared data is open
    (``tests/shared_data.py``): it would commit inside that transaction. A
    module with a transactional test shares nothing, so this is a safety net."""
    if shared_data.OPEN and is_transactional(item):
        pytest.fail(
            f"{item.nodeid} is transactional, and the shared data of "
            f"{', '.join(sorted(shared_data.OPEN))} is open in its transaction"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has emptied the database (its teardown),
    put back what the migrations loaded (``tests/reference_data.py``), so
    that the next test finds the governorates whatever its kind."""
    result = yield
    if nextitem is not None and is_transactional(item) and not restores_itself(nextitem):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_reference_data()
    return result


@pytest.fixture
def celery_worker_process(django_db_serialized_rollback, transactional_db, settings):
    """A real Celery worker reading the test database. Tests using it see the
    data they commit (hence ``transactional_db``); the serialized rollback puts
    back the governorates the migrations loaded."""
    from django.db import connection

    worker = WorkerProcess(
        name="test",
        env={
            "DJANGO_SETTINGS_MODULE": "iomdash.settings_test",
            "DATABASE_URL": database_url_for(connection.settings_dict),
        },
    )
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process, for unit tests of a task's body only."""
    from iomdash.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False
        app.conf.task_eager_propagates = False


@pytest.fixture(scope="module", autouse=True)
def _shared_for_module(request):
    """The data of the module's ``shared_for_module`` fixtures, built once for
    its tests (``tests/shared_data.py``)."""
    yield from shared_data.module_builds(request)


@pytest.fixture(autouse=True)
def _empty_dashboard_cache():
    """Each test starts with no cached dashboard: a rolled-back test's data
    stamp can be another test's too."""
    from django.core.cache import caches

    caches["dashboards"].clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request through the test
    client leaves its language (an Arabic Accept-Language, a saved
    preference) active in the thread, and under pytest-xdist the next test
    of the process is any module's (three tests read their messages in Arabic)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
