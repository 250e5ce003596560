"""The login page in a real browser, on a phone and a laptop."""

from tests.factories import PASSWORD, UserFactory


def test_login_on_a_phone_reaches_home(phone_page):
    UserFactory(username="amina")
    phone_page.login("amina", PASSWORD)
    page = phone_page.page
    assert page.url.endswith("/")
    assert "Welcome, amina" in page.inner_text("h1")
    # The stylesheet is served: the top bar has its layout, not the browser default.
    assert page.eval_on_selector(".topbar", "e => getComputedStyle(e).display") == "flex"
    assert phone_page.screenshot("login-phone-home").stat().st_size > 0
    assert phone_page.errors == []


def test_wrong_password_says_so(browser_page):
    UserFactory(username="omar")
    browser_page.login("omar", "not-the-password")
    assert "did not match" in browser_page.page.inner_text("main")
