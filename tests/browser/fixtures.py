"""Headless Chromium for browser tests (a plugin of tests/conftest.py, so every
folder shares one session-wide browser): Debian's /usr/bin/chromium driven by
Playwright. Outside CI a missing browser skips these tests; in CI (CI=true)
it fails them, since a test that needs a component never skips there.
Screenshots go to artifacts/screenshots/ to be looked at."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

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
    """A browser tab on the live server that records JavaScript errors."""

    def __init__(self, browser, base_url: str, viewport: dict):
        self.context = browser.new_context(viewport=viewport)
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
