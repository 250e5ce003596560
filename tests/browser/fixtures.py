"""Headless Chromium for browser tests (a plugin of tests/conftest.py, so every
folder shares one session-wide browser): Debian's /usr/bin/chromium driven by
Playwright. Outside CI a missing browser skips these tests; in CI (CI=true)
it fails them, since a test that needs a component never skips there.
Screenshots go to artifacts/screenshots/ to be looked at.

A module whose tests only read builds its data once (``committed_for_module``),
serves it from ``reading_server`` and opens its tabs signed in from a stored
session (``SignedIn``) instead of logging in through the form in every test;
tests/browser/test_login.py logs in through the form."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.reference_data import restore_reference_data

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 360, "height": 780}
LAPTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop; Django's ORM must be allowed in it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Page:
    """A browser tab on the live server that records JavaScript errors
    (signed in already with ``storage_state``, a stored browser session)."""

    def __init__(self, browser, base_url: str, viewport: dict, storage_state: dict | None = None):
        self.context = browser.new_context(viewport=viewport, storage_state=storage_state)
        self.page = self.context.new_page()
        self.base_url = base_url
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def login(self, username: str, password: str) -> None:
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def browser_page(chromium, live_server, django_db_serialized_rollback):
    """A laptop-sized tab; ``browser_page.page`` is Playwright's Page."""
    tab = Page(chromium, live_server.url, LAPTOP)
    yield tab
    tab.close()


@pytest.fixture
def phone_page(chromium, live_server, django_db_serialized_rollback):
    """A 360-px-wide tab, as on a field monitor's phone."""
    tab = Page(chromium, live_server.url, PHONE)
    yield tab
    tab.close()


def empty_database() -> None:
    """Empty the test database and put back what the migrations loaded, as a
    transactional test with a serialized rollback does."""
    from django.core.management import call_command

    # As TransactionTestCase flushes: the sequences are not reset, so rows
    # created later never take the ids of the rows put back.
    call_command(
        "flush",
        verbosity=0,
        interactive=False,
        inhibit_post_migrate=True,
        reset_sequences=False,
    )
    restore_reference_data()


def committed_for_module(django_db_blocker, build):
    """For a module-scoped fixture (``yield from``): ``build()``'s data,
    committed once for the module's tests, which must only read it (they run
    as ``db`` tests, in a transaction rolled back after each, and see the
    data through ``reading_server``); the database is emptied after the
    module's last test. The module must be marked
    ``django_db(serialized_rollback=True)`` so that the migrations' rows can
    be put back."""
    with django_db_blocker.unblock():
        try:
            data = build()
        except BaseException:
            empty_database()
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            empty_database()


@pytest.fixture(scope="session")
def reading_server(django_db_setup):
    """A live server for the tests of ``committed_for_module``: pytest-django's
    ``live_server`` makes each test that uses it transactional, and a
    transactional test empties the database when it ends."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


class SignedIn:
    """Tabs on ``base_url`` signed in as a user: the first for a user logs in
    through the form, the next ones start from its stored session."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.sessions: dict[str, dict] = {}

    def tab(self, username: str, viewport: dict = LAPTOP) -> Page:
        from tests.factories import PASSWORD

        if username not in self.sessions:
            first = Page(self.browser, self.base_url, viewport)
            try:
                first.login(username, PASSWORD)
                assert "/accounts/login/" not in first.page.url, username
                self.sessions[username] = first.context.storage_state()
            finally:
                first.close()
        return Page(self.browser, self.base_url, viewport, self.sessions[username])


def wait_until(page, expression: str, arg=None, *, timeout: float = 15_000) -> None:
    """Until ``expression`` (or the function ``expression`` called with ``arg``)
    is true in ``page``, polled from Python: the pages' CSP forbids the eval
    that Playwright's ``wait_for_function`` polls with (it passes only when
    its first try is already true). AssertionError after ``timeout`` ms."""
    import time

    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(expression) if arg is None else page.evaluate(expression, arg)
        if value:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} ms: {expression}")
        page.wait_for_timeout(100)
