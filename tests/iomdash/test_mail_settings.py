"""Email is configured from EMAIL_URL or EMAIL_HOST, printed on the console in
development, and absent (password reset hidden) in production without it."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from iomdash.mail_settings import CONSOLE, DUMMY, SMTP, email_settings


def settings_for(debug=False, **environ):
    return email_settings(environ, debug=debug)


def test_nothing_set_prints_mail_in_development_and_has_none_in_production():
    assert settings_for(debug=True) == {"EMAIL_BACKEND": CONSOLE, "EMAIL_CONFIGURED": True}
    assert settings_for(debug=False) == {"EMAIL_BACKEND": DUMMY, "EMAIL_CONFIGURED": False}


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example.org", 25, False, False),
        ("smtp+tls://mail.example.org", 587, True, False),
        ("smtps://mail.example.org", 465, False, True),
        ("smtp+tls://mail.example.org:2525", 2525, True, False),
    ],
)
def test_an_email_url_gives_the_smtp_server(url, port, tls, ssl):
    result = settings_for(EMAIL_URL=url, DEFAULT_FROM_EMAIL="iomdash@example.org")
    assert result["EMAIL_BACKEND"] == SMTP and result["EMAIL_CONFIGURED"]
    assert result["EMAIL_HOST"] == "mail.example.org"
    assert (result["EMAIL_PORT"], result["EMAIL_USE_TLS"], result["EMAIL_USE_SSL"]) == (
        port,
        tls,
        ssl,
    )
    assert result["DEFAULT_FROM_EMAIL"] == result["SERVER_EMAIL"] == "iomdash@example.org"


def test_credentials_in_the_url_are_decoded():
    result = settings_for(
        EMAIL_URL="smtps://alerts%40iom.int:p%40ss%2Fw0rd@mail.example.org/?timeout=20",
        DEFAULT_FROM_EMAIL="alerts@iom.int",
    )
    assert result["EMAIL_HOST_USER"] == "alerts@iom.int"
    assert result["EMAIL_HOST_PASSWORD"] == "p@ss/w0rd"
    assert result["EMAIL_TIMEOUT"] == 20


def test_console_mail_counts_as_email_in_development_only():
    assert settings_for(debug=True, EMAIL_URL="console://") == {
        "EMAIL_BACKEND": CONSOLE,
        "EMAIL_CONFIGURED": True,
    }
    # In production a console reaches no user: the reset pages stay hidden.
    assert settings_for(EMAIL_URL="console://")["EMAIL_CONFIGURED"] is False


def test_django_variables_give_the_smtp_server():
    result = settings_for(
        EMAIL_HOST="mail.example.org",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="alerts",
        EMAIL_HOST_PASSWORD="secret",
        EMAIL_USE_TLS="true",
        DEFAULT_FROM_EMAIL="iomdash@example.org",
    )
    assert result["EMAIL_BACKEND"] == SMTP and result["EMAIL_CONFIGURED"]
    assert (result["EMAIL_HOST"], result["EMAIL_PORT"]) == ("mail.example.org", 587)
    assert (result["EMAIL_HOST_USER"], result["EMAIL_HOST_PASSWORD"]) == ("alerts", "secret")
    assert result["EMAIL_USE_TLS"] and not result["EMAIL_USE_SSL"]


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EMAIL_URL": "ftp://mail.example.org"}, "EMAIL_URL must start with smtp://"),
        ({"EMAIL_URL": "smtp://"}, "EMAIL_URL has no host"),
        ({"EMAIL_URL": "smtp://mail.example.org:port"}, "port that is not a number"),
        ({"EMAIL_URL": "smtp://a", "EMAIL_HOST": "b"}, "EMAIL_URL and EMAIL_HOST are both set"),
        ({"EMAIL_PORT": "587"}, "EMAIL_PORT is set but EMAIL_HOST is not"),
        ({"EMAIL_HOST": "a", "EMAIL_PORT": "x"}, "EMAIL_PORT='x' is not an integer"),
        ({"EMAIL_HOST": "a", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "choose one"),
        ({"EMAIL_HOST": "a", "EMAIL_USE_TLS": "maybe"}, "EMAIL_USE_TLS='maybe' is not a boolean"),
        ({"EMAIL_URL": "smtp://mail.example.org"}, "DEFAULT_FROM_EMAIL is not set"),
    ],
)
def test_values_that_cannot_work_are_refused_by_name(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        settings_for(**environ)


def test_development_smtp_may_keep_djangos_sender():
    result = settings_for(debug=True, EMAIL_URL="smtp://localhost:1025")
    assert result["EMAIL_PORT"] == 1025 and "DEFAULT_FROM_EMAIL" not in result
