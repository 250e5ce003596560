"""The Content-Security-Policy in a real browser: the main pages, as each role
sees them, load and draw without a single CSP violation (an inline script, an
on*= handler, an inline style or a resource from elsewhere would be refused by
the browser and silently break the page)."""

from __future__ import annotations

from tests.browser.fixtures import Page
from tests.browser.test_dashboards import build_portfolio
from tests.factories import PASSWORD, governorate, user_with_role

DASHBOARDS = ["/dashboards/", "/dashboards/governorate/IQG13/", "/dashboards/programme/CRP/"]
PAGES = {
    "admin": [
        *DASHBOARDS,
        "/visits/",
        "/visits/new/",
        "/snapshots/",
        "/exports/",
        "/api/docs/",
        "/admin/",
        "/admin/indicators/recomputejob/",
    ],
    "manager": [*DASHBOARDS, "/visits/", "/snapshots/", "/exports/", "/api/docs/"],
    "monitor": [*DASHBOARDS, "/visits/", "/visits/new/"],
    "donor": [*DASHBOARDS, "/snapshots/"],
    "anonymous": ["/accounts/login/", "/snapshots/verify/"],
}

# Every violation the page reports, kept on window before any page script runs.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def users(portfolio: dict) -> dict:
    kirkuk = governorate("IQG13")
    return {
        "admin": user_with_role("admin", username="csp-admin"),
        "manager": user_with_role("manager", username="csp-manager", programmes=[portfolio["crp"]]),
        "monitor": user_with_role("monitor", username="csp-monitor", governorates=[kirkuk]),
        "donor": user_with_role("donor", username="csp-donor", donor=portfolio["usa"]),
    }


def violations(chromium, base_url: str, username: str | None, paths: list[str]) -> list[str]:
    tab = Page(chromium, base_url, {"width": 1280, "height": 900})
    console: list[str] = []
    tab.page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    tab.page.add_init_script(RECORD_VIOLATIONS)
    found = []
    try:
        if username:
            tab.login(username, PASSWORD)
        for path in paths:
            response = tab.page.goto(base_url + path, wait_until="networkidle")
            assert "script-src 'self'" in response.headers["content-security-policy"], path
            # Let the dashboards' charts draw (Plotly styles its SVG as it goes).
            tab.page.wait_for_timeout(300)
            seen = tab.page.evaluate("window.__csp") + console
            found += [f"{username or 'anonymous'} {path}: {v}" for v in seen]
            console.clear()
            assert tab.errors == [], (path, tab.errors)
    finally:
        tab.close()
    return found


def test_no_page_breaks_the_content_security_policy_for_any_role(
    chromium, live_server, django_db_serialized_rollback
):
    portfolio = build_portfolio()
    people = users(portfolio)
    found = []
    for role, paths in PAGES.items():
        username = people[role].username if role in people else None
        found += violations(chromium, live_server.url, username, paths)
    assert found == []
