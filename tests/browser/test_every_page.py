"""Every page (tests/browser/every_page.py) on a 360-px phone and a 1366-px
laptop, in English, Arabic and Kurdish (Kurdish on the phone): no horizontal
scroll and nothing past the screen's edge (a wide table or a chart scrolls
inside its own box), no JavaScript error, no Content-Security-Policy
violation, right to left in Arabic and Kurdish. The Arabic pages are kept as
screenshots (the first screen) in artifacts/screenshots/every-page/ to be
looked at.

The Content-Security-Policy in a real browser: an inline script, an on*=
handler, an inline style or a resource from elsewhere would be refused by
the browser and silently break the page. Every page above is checked for
violations while it loads, draws and is widened; the main pages each role
opens that are not among them (``CSP_PAGES``: the dashboards as a monitor
and a donor see them, the admin's pages) are loaded once more for it.

One signed-in tab per user for the whole module; each page is loaded once
per language on the phone, then the same tab is widened to the laptop."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver

from tests.browser.every_page import (
    ADMIN,
    DONOR,
    FIELD,
    MANAGER,
    NOT_PAGES,
    OTHER_PREFIXES,
    PAGES,
    build,
)
from tests.browser.fixtures import (
    ARTIFACTS,
    PHONE,
    Page,
    SignedIn,
    committed_for_module,
    wait_until,
)

pytestmark = pytest.mark.django_db(serialized_rollback=True)

LAPTOP = {"width": 1366, "height": 768}
# (language, checked on the laptop too, screenshots kept)
LANGUAGES = [("en", True, False), ("ar", True, True), ("ckb", False, False)]
RTL = {"ar", "ckb"}

# Boxes allowed past the screen's edge: what scrolls or clips inside a table's
# or a chart's own box, text for screen readers only, and Plotly's text measurer.
# ``pending``: a chart is still being drawn; ``csp``: the violations recorded
# (RECORD_VIOLATIONS), read in the same call.
FIT = """() => {
  const root = document.documentElement, width = root.clientWidth;
  const holders = '.table-wrap, .table-scroll, .content table, .js-plotly-plot';
  const skipped = '.visually-hidden, #js-plotly-tester, [hidden]';
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || (box.left >= -0.5 && box.right <= width + 0.5)) continue;
    if (el.closest(skipped) || (el.parentElement && el.parentElement.closest(holders))) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    const path = [];
    for (let e = el; e && e !== document.body && path.length < 4; e = e.parentElement) path.unshift(name(e));
    out.push(path.join(' > ') + ` [${Math.round(box.left)}, ${Math.round(box.right)}]`);
  }
  return {dir: root.dir || 'ltr', scroll: root.scrollWidth, width: width,
          outside: out.slice(0, 8), pending: (PENDING)(), csp: window.__csp};
}"""
PENDING = """() => [...document.querySelectorAll('.chart')].some(c => c.offsetParent
  && !c.querySelector('.main-svg') && !c.classList.contains('chart-error'))"""
FIT = FIT.replace("(PENDING)", f"({PENDING})")
# Polled while the charts draw: the pending charts only, not the whole scan.
DRAWN = "() => !(" + PENDING + ")()"

# Every violation the page reports, kept on window before any page script runs.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""

# The main pages of each role, checked for CSP violations: those PAGES does
# not open as that user are loaded by the CSP test below.
DASHBOARDS = ["/dashboards/", "/dashboards/governorate/IQG13/", "/dashboards/programme/CRP/"]
CSP_PAGES = {
    ADMIN: [
        *DASHBOARDS,
        "/visits/",
        "/visits/new/",
        "/snapshots/",
        "/exports/",
        "/api/docs/",
        "/admin/",
        "/admin/indicators/recomputejob/",
    ],
    MANAGER: [*DASHBOARDS, "/visits/", "/snapshots/", "/exports/", "/api/docs/"],
    FIELD: [*DASHBOARDS, "/visits/", "/visits/new/"],
    DONOR: [*DASHBOARDS, "/snapshots/"],
    None: ["/accounts/login/", "/snapshots/verify/"],
}


def named_urls(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, name with its namespaces, as ``reverse`` takes it) of every URL."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_urls(pattern.url_patterns, route, inner)
        else:
            yield route, f"{namespace}{pattern.name}" if pattern.name else None


def test_every_url_is_a_listed_page_or_says_why_it_is_none():
    """A new page fails here until it is in every_page.PAGES (and so checked
    on a phone and in Arabic), or in NOT_PAGES with what it gives instead."""
    pages = {page.url_name for page in PAGES}
    unlisted, seen = [], set()
    for route, name in named_urls():
        seen.add(name)
        if name in pages or name in NOT_PAGES:
            continue
        if not any(route.startswith(prefix) for prefix in OTHER_PREFIXES):
            unlisted.append(f"{route} ({name})")
    assert not unlisted, "in neither every_page.PAGES nor NOT_PAGES:\n" + "\n".join(unlisted)
    stale = (pages | set(NOT_PAGES)) - seen - {None}
    assert not stale, f"listed, but no URL has the name: {sorted(stale)}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    yield from committed_for_module(django_db_blocker, build)


@pytest.fixture(scope="module")
def tabs(chromium, reading_server, world):
    """A tab per user (None: not signed in), opened at the first page it shows."""
    signed_in = SignedIn(chromium, reading_server.url)
    opened: dict[str | None, Page] = {}

    def tab(user: str | None) -> Page:
        if user not in opened:
            opened[user] = (
                signed_in.tab(user, PHONE) if user else Page(chromium, reading_server.url, PHONE)
            )
            opened[user].page.add_init_script(RECORD_VIOLATIONS)
            console = opened[user].console = []
            opened[user].page.on(
                "console", lambda m: console.append(m.text) if m.type == "error" else None
            )
            loading = opened[user].loading = set()
            opened[user].page.on("request", lambda r: loading.add(r))
            opened[user].page.on("requestfinished", lambda r: loading.discard(r))
            opened[user].page.on("requestfailed", lambda r: loading.discard(r))
        return opened[user]

    yield tab
    for page in opened.values():
        page.close()


def drawn(tab: Page) -> dict:
    """What ``FIT`` finds once the page's charts are drawn."""
    fit = tab.page.evaluate(FIT)
    if fit["pending"]:
        wait_until(tab.page, DRAWN, timeout=20_000)
        fit = tab.page.evaluate(FIT)
    return fit


def loaded(tab: Page, timeout: float = 15.0) -> None:
    """Until no request of the tab is still loading (what Playwright's
    ``networkidle`` waits for, without its half a second of quiet after it)."""
    deadline = time.monotonic() + timeout
    while tab.loading:
        assert time.monotonic() < deadline, [r.url for r in tab.loading]
        tab.page.wait_for_timeout(50)


def check(tab: Page, where: str, direction: str) -> None:
    """Once its charts are drawn, the page fits the screen and runs in
    ``direction``, and nothing on it broke the Content-Security-Policy."""
    fit = drawn(tab)
    assert fit["dir"] == direction, (where, fit["dir"])
    assert fit["scroll"] <= fit["width"] and not fit["outside"], (where, fit)
    assert fit["csp"] == [], where


def screenshot(tab: Page, name: str) -> None:
    """The first screen of the page, kept to be looked at (a whole page's
    screenshot draws it again at its full height, its charts too: a second
    a page, seven for the longest)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def show(tab: Page, path: str, language: str):
    """``path`` in ``language`` on the phone, with a fresh record of errors."""
    tab.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": tab.base_url}]
    )
    if tab.page.viewport_size != PHONE:
        # Narrowed on a blank page if the page left has charts: it would draw
        # them again (a page without is only laid out again, cheaper than a
        # page load).
        if tab.page.evaluate("() => document.querySelector('.chart') !== null"):
            tab.page.goto("about:blank")
        tab.page.set_viewport_size(PHONE)
    tab.errors.clear()
    tab.console.clear()
    response = tab.goto(path)
    assert "script-src 'self'" in response.headers["content-security-policy"], path
    return response


@pytest.mark.parametrize("listed", PAGES, ids=[page.key for page in PAGES])
def test_the_page_fits_a_phone_and_a_laptop_in_every_language(tabs, world, db, listed):
    tab = tabs(listed.user)
    path = listed.path.format(**world)
    for language, on_laptop, screenshots in LANGUAGES:
        response = show(tab, path, language)
        assert response.status == listed.status, (path, response.status)
        direction = "rtl" if language in RTL and listed.mirrored else "ltr"
        check(tab, f"{listed.key} {language} 360", direction)
        if screenshots:
            screenshot(tab, f"every-page/{listed.key}-{language}-360")
        if on_laptop:
            tab.page.set_viewport_size(LAPTOP)
            check(tab, f"{listed.key} {language} 1366", direction)
            if screenshots:
                screenshot(tab, f"every-page/{listed.key}-{language}-1366")
        # The page itself answers with an error status; nothing else may fail.
        expected = f"status of {listed.status}" if listed.status != 200 else None
        console = [m for m in tab.console if not (expected and expected in m)]
        assert tab.errors == [] and console == [], (listed.key, language, tab.errors, console)


def test_the_menu_folds_on_a_phone_and_opens_with_its_button(tabs, world, db):
    tab = tabs(FIELD)
    show(tab, "/", "ar")
    page = tab.page
    button, menu = page.locator(".topbar .menu-toggle"), page.locator("#site-menu")
    assert button.get_attribute("aria-controls") == "site-menu"
    assert button.get_attribute("aria-expanded") == "false"
    assert button.is_visible() and not menu.is_visible()
    # One line for the name, the notifications and the button; the switcher below.
    tops = page.eval_on_selector_all(
        ".topbar > .brand, .topbar > .notifications-link, .topbar > .menu-toggle",
        "els => els.map(e => Math.round(e.getBoundingClientRect().top + e.offsetHeight / 2))",
    )
    assert len(tops) == 3 and max(tops) - min(tops) <= 4, tops
    assert page.eval_on_selector(".topbar", "e => e.offsetHeight") <= 100

    button.click()
    assert button.get_attribute("aria-expanded") == "true" and menu.is_visible()
    assert page.locator("#site-menu .topnav a").count() >= 4  # home, visits, dashboards, exports
    with page.expect_navigation():
        page.click("#site-menu a[href='/exports/']")
    assert page.url.endswith("/exports/") and not menu.is_visible()
    button.click()
    assert menu.is_visible()
    page.keyboard.press("Escape")
    assert not menu.is_visible() and button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")

    # A laptop's bar has room: the menu shows, and no button.
    page.set_viewport_size(LAPTOP)
    assert page.locator("#site-menu .topnav a").first.is_visible() and not button.is_visible()
    assert tab.errors == [] and tab.console == []


@pytest.mark.parametrize("user", list(CSP_PAGES), ids=[user or "anonymous" for user in CSP_PAGES])
def test_no_page_breaks_the_content_security_policy_for_any_role(tabs, world, db, user):
    """The pages of ``CSP_PAGES`` as ``user`` on a laptop, once they have
    drawn and made their requests: those the test above opens as ``user``
    are checked there, but for Swagger UI, which draws from a request made
    after its page has loaded (the API's schema)."""
    opened = {(page.user, page.path.format(**world)) for page in PAGES}
    tab = tabs(user)
    tab.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": tab.base_url}]
    )
    tab.page.set_viewport_size(LAPTOP)
    found = []
    for path in CSP_PAGES[user]:
        if (user, path) in opened and path != "/api/docs/":
            continue
        tab.errors.clear()
        tab.console.clear()
        # Swagger UI draws from a request it makes after a while; the other
        # pages have made theirs once they are drawn and none is still loading.
        idle = "networkidle" if path == "/api/docs/" else "load"
        response = tab.page.goto(tab.base_url + path, wait_until=idle)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        drawn(tab)
        loaded(tab)
        seen = tab.page.evaluate("window.__csp")
        seen += [m for m in tab.console if "Content Security Policy" in m]
        found += [f"{user or 'anonymous'} {path}: {v}" for v in seen]
        assert tab.errors == [], (path, tab.errors)
    assert found == []
