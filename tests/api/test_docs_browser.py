"""The API docs in a real browser: Swagger UI draws every operation from our
own static files with no request leaving the site, and the browser's session
is enough to call the API from the page."""

from __future__ import annotations

from tests.factories import user_with_role


def test_the_docs_render_offline_and_the_session_calls_the_api(browser_page):
    user_with_role("admin", username="ines")
    page = browser_page.page
    outside = []

    def only_our_site(route):
        if route.request.url.startswith(browser_page.base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_our_site)
    browser_page.sign_in("ines")  # the session the login form gives (tests/browser/test_login.py)
    browser_page.goto("/api/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    operations = page.locator(".opblock").count()
    assert operations >= 40
    assert "iomdash API" in page.inner_text(".info")
    assert outside == []
    status = page.evaluate("fetch('/api/v1/programmes/').then(r => r.status)")
    assert status == 200
    assert browser_page.screenshot("api-docs", full_page=False).stat().st_size > 0
    assert browser_page.errors == []
