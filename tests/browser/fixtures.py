"""Headless Chromium for browser tests (a plugin of tests/conftest.py, so every
folder shares one session-wide browser): Debian's /usr/bin/chromium driven by
Playwright. Outside CI a missing browser skips these tests; in CI (CI=true)
it fails them, since a test that needs a component never skips there.
Screenshots go to artifacts/screenshots/ to be looked at.

``phone_page`` and ``browser_page`` are tabs kept open for the session, one
a screen size (``kept``), left as a new tab would be after each test: a new
tab is a new renderer process, which parses and compiles the page's scripts
again and fetches them into an empty cache.

A module whose tests only read builds its data once (``committed_for_module``),
serves it from ``reading_server`` and opens its tabs signed in (``SignedIn``).
Tests sign in with a session made on the server (``sign_in``: the cookies
the login form would give, without loading the form and the home page);
tests/browser/test_login.py logs in through the form."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.reference_data import restore_reference_data

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Pages live for seconds here: V8's optimizing compiler (TurboFan, off with
# --no-opt) costs more than it saves, and an in-process GPU thread spares a
# process and its messages; together about a fifth of Chromium's CPU time a
# page load (a dashboard or a list, loaded and widened).
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--in-process-gpu",
    "--js-flags=--no-opt",
]
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
    (signed in already with ``storage_state``, a stored browser session), in
    a context of its own or in ``context``, which it leaves open when it closes
    (its tabs share the HTTP cache: a script is fetched and compiled once)."""

    def __init__(
        self,
        browser,
        base_url: str,
        viewport: dict,
        storage_state: dict | None = None,
        *,
        context=None,
        **context_options,
    ):
        self.shared = context is not None
        if context is None:
            context = browser.new_context(
                viewport=viewport, storage_state=storage_state, **context_options
            )
        self.context = context
        self.viewport = viewport
        self.page = self.context.new_page()
        if self.shared:
            self.page.set_viewport_size(viewport)
        self.base_url = base_url
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def sign_in(self, username: str) -> None:
        """Signed in as ``username``, as by the login form (``sign_in``)."""
        sign_in(self.context, self.base_url, username)

    def login(self, username: str, password: str) -> None:
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        """The page kept as ``name``.png: its whole height, or with
        ``full_page=False`` its first screen (a whole page's screenshot lays
        it out and draws it again at its full height, charts and all)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        if self.shared:
            self.page.close()
        else:
            self.context.close()

    def reset(self) -> None:
        """As a new tab in a new context would be: blank, online, at its size
        and on screen, without the cookies, storage (IndexedDB, local and
        session storage, caches, service workers), permissions, location,
        routes or errors a test left. Its HTTP cache and its renderer
        process stay."""
        self.page.unroute_all(behavior="ignoreErrors")
        self.page.goto("about:blank")
        self.context.set_offline(False)
        if not hasattr(self, "_cdp"):
            self._cdp = self.context.new_cdp_session(self.page)
        origin = self.base_url.rstrip("/")
        self._cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        self.context.clear_cookies()
        self.context.clear_permissions()
        self.context.set_geolocation(None)
        self.page.set_viewport_size(self.viewport)
        self.page.emulate_media(media="null")
        self.errors.clear()


@pytest.fixture(scope="session")
def kept_tabs(chromium):
    """The tabs ``kept`` open for the session."""
    tabs: dict = {}
    yield tabs
    for tab in tabs.values():
        tab.close()


@contextmanager
def kept(tabs: dict, browser, base_url: str, viewport: dict, **context_options):
    """The tab of ``tabs`` of this size and these context options (a new one
    the first time), reset when the block ends (``Page.reset``); a tab that
    cannot be reset is closed, and the next test gets a new one."""
    key = (base_url, viewport["width"], viewport["height"], *sorted(context_options.items()))
    if key not in tabs:
        tabs[key] = Page(browser, base_url, viewport, **context_options)
    tab = tabs[key]
    try:
        yield tab
    finally:
        try:
            tab.reset()
        except Exception:
            del tabs[key]
            tab.close()


@pytest.fixture
def browser_page(kept_tabs, chromium, live_server, django_db_serialized_rollback):
    """A laptop-sized tab; ``browser_page.page`` is Playwright's Page."""
    with kept(kept_tabs, chromium, live_server.url, LAPTOP) as tab:
        yield tab


@pytest.fixture
def phone_page(kept_tabs, chromium, live_server, django_db_serialized_rollback):
    """A 360-px-wide tab, as on a field monitor's phone."""
    with kept(kept_tabs, chromium, live_server.url, PHONE) as tab:
        yield tab


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


def sign_in(context, base_url: str, username: str) -> list[dict]:
    """The browser ``context`` signed in to ``base_url`` as ``username``,
    with the cookies the login form gives: a session made on the server
    (as Django's test client's ``force_login``, through the backend the form
    signs in with) and the language and digits the user chose
    (``iomdash.accounts.LoginView``). The session is written on a connection
    of its own, committed, so that the live server sees it even from a test
    whose own writes are rolled back."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        cookies = thread.submit(_signed_in_cookies, username).result()
    added = [{"name": n, "value": v, "url": base_url} for n, v in cookies.items()]
    context.add_cookies(added)
    return added


def _signed_in_cookies(username: str) -> dict[str, str]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.http import HttpResponse
    from django.test import Client

    from programmes.preferences import preference_cookies_set

    try:
        user = get_user_model().objects.select_related("profile").get(username=username)
        client = Client()
        client.force_login(user, backend="programmes.backends.ProfileBackend")
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies = {settings.SESSION_COOKIE_NAME: session}
        profile = getattr(user, "profile", None)
        if profile is not None:
            chosen = preference_cookies_set(
                HttpResponse(), language=profile.language or None, digits=profile.digits
            )
            cookies |= {name: morsel.value for name, morsel in chosen.cookies.items()}
        return cookies
    finally:
        connections.close_all()


class SignedIn:
    """Tabs on ``base_url`` signed in as a user (``sign_in``), one session
    a user; with ``shared``, one tab a user, opened again at each ``tab``
    (a new tab is a new renderer process, which compiles plotly.js again:
    three times the CPU of a page load in a tab already open). ``reset``
    puts the shared tabs back on screen with their cookies as signed in;
    ``close`` closes them."""

    def __init__(self, browser, base_url: str, *, shared: bool = False):
        self.browser = browser
        self.base_url = base_url
        self.sessions: dict[str, list[dict]] = {}
        self.shared = shared
        self.tabs: dict[str, Page] = {}

    def tab(self, username: str, viewport: dict = LAPTOP) -> Page:
        if self.shared:
            if username not in self.tabs:
                self.tabs[username] = Page(self.browser, self.base_url, viewport)
                self.sessions[username] = sign_in(
                    self.tabs[username].context, self.base_url, username
                )
            tab = self.tabs[username]
            if tab.page.viewport_size != viewport:
                # Resized on a blank page if the page left has charts: they
                # would be drawn again at the new size.
                if tab.page.evaluate("() => document.querySelector('.chart') !== null"):
                    tab.page.goto("about:blank")
                tab.page.set_viewport_size(viewport)
            tab.errors.clear()
            return tab
        tab = Page(self.browser, self.base_url, viewport)
        if username in self.sessions:
            tab.context.add_cookies(self.sessions[username])
        else:
            self.sessions[username] = sign_in(tab.context, self.base_url, username)
        return tab

    def reset(self) -> None:
        """The shared tabs on screen, with the cookies of their session only
        (none a test added: its language). The page a test left stays until
        the next test loads its own (a blank page and the load after it cost
        more), or is left for a blank one if the tab is resized (``tab``)."""
        for username, tab in self.tabs.items():
            tab.page.emulate_media(media="null")
            tab.context.clear_cookies()
            tab.context.add_cookies(self.sessions[username])

    def close(self) -> None:
        for tab in self.tabs.values():
            tab.close()


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
