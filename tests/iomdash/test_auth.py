"""Every page needs a login except /healthz, the login page and the snapshot verification page; failed logins
are throttled; passwords go through Django's validators."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import PASSWORD, UserFactory

PUBLIC = {
    "/healthz",
    "/accounts/login/",
    "/accounts/logout/",
    "/i18n/setlang/",
    "/language/",  # the language switcher, offered on the login page too
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/done/",
    "/admin/login/",
    "/api/schema/",  # the OpenAPI schema: no data, fetched by client generators
    "/api/v1/auth/token/",  # scripts obtain a token here; the API answers 401, never a redirect
    "/snapshots/verify/",  # anyone holding a PDF checks it here; it shows no figures
    "/visits/sw.js",  # the phone's service worker checks for updates whatever its session
    "/visits/manifest.webmanifest",  # the installable app's name and icon, no data
}


def _static_paths(patterns=None, prefix=""):
    """Every URL of the project that takes no argument."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(entry.pattern)
        if "<" in route or "(?P" in route or route.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            yield from _static_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


def test_the_url_walk_finds_the_pages():
    paths = set(_static_paths())
    assert {"/", "/healthz", "/admin/", "/accounts/login/"} <= paths


@pytest.mark.parametrize("path", sorted(set(_static_paths()) - PUBLIC))
def test_anonymous_is_sent_to_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302, path
    assert "/login/" in response["Location"]


def test_home_for_a_logged_in_user(client, db):
    client.force_login(UserFactory(username="alice"))
    response = client.get("/")
    assert response.status_code == 200
    assert b"Welcome, alice" in response.content


def test_login_form_logs_in_and_redirects_home(client, db):
    UserFactory(username="bob")
    response = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def _fail(client, username, ip):
    return client.post(
        "/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=ip
    )


def test_repeated_failures_lock_the_user_name(client, db, settings):
    UserFactory(username="carol")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "carol", f"10.0.0.{n + 1}")  # each from another address
    response = client.post(
        "/accounts/login/", {"username": "carol", "password": PASSWORD}, REMOTE_ADDR="10.0.1.1"
    )
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content


def test_repeated_failures_lock_the_address(client, db, settings):
    UserFactory(username="dave")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, f"nobody{n}", "10.0.2.2")  # each another user name
    response = client.post(
        "/accounts/login/", {"username": "dave", "password": PASSWORD}, REMOTE_ADDR="10.0.2.2"
    )
    assert response.status_code == 429
    # Another address can still log dave in.
    ok = client.post(
        "/accounts/login/", {"username": "dave", "password": PASSWORD}, REMOTE_ADDR="10.0.2.3"
    )
    assert ok.status_code == 302


def test_a_few_failures_do_not_lock(client, db, settings):
    UserFactory(username="erin")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _fail(client, "erin", "10.0.3.3")
    ok = client.post(
        "/accounts/login/", {"username": "erin", "password": PASSWORD}, REMOTE_ADDR="10.0.3.3"
    )
    assert ok.status_code == 302


@pytest.mark.parametrize("weak", ["password", "12345678", "short"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_a_strong_password_passes():
    validate_password("Ninewa-field-2018-visit")
