"""Outgoing email, read from the environment by ``iomdash.settings``.

Either one ``EMAIL_URL``::

    smtp://user:password@mail.example.org:25      plain SMTP
    smtp+tls://user:password@mail.example.org:587 STARTTLS
    smtps://user:password@mail.example.org:465    SMTP over TLS
    console://                                    printed on the console (development only)

or Django's own variables: ``EMAIL_HOST`` with ``EMAIL_PORT``, ``EMAIL_HOST_USER``,
``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``, ``EMAIL_USE_SSL``. Not both.

With neither, development (``DEBUG``) prints mail on the console, and
production has no email: ``EMAIL_CONFIGURED`` is False, mail is dropped, and
the pages that need mail (password reset) are not offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from iomdash.env import env_bool, env_int

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
DUMMY = "django.core.mail.backends.dummy.EmailBackend"

# scheme: (default port, STARTTLS, TLS from the start)
_SMTP_SCHEMES = {
    "smtp": (25, False, False),
    "smtp+tls": (587, True, False),
    "smtps": (465, False, True),
}
_HOST_VARIABLES = ("EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD")


def email_settings(environ: Mapping[str, str], *, debug: bool) -> dict:
    """The ``EMAIL_*`` settings and ``EMAIL_CONFIGURED`` for this environment.

    ``EMAIL_CONFIGURED`` is True when mail reaches a person (SMTP) or, in
    development only, the console. Raises ``ImproperlyConfigured`` naming the
    variable when a value cannot work.
    """
    url = environ.get("EMAIL_URL", "").strip()
    host = environ.get("EMAIL_HOST", "").strip()
    if url and host:
        raise ImproperlyConfigured("EMAIL_URL and EMAIL_HOST are both set: use one or the other.")
    if url:
        result = _from_url(url, debug)
    elif host:
        result = _from_host(environ, host)
    else:
        stray = [name for name in _HOST_VARIABLES if environ.get(name, "").strip()]
        if stray:
            raise ImproperlyConfigured(f"{stray[0]} is set but EMAIL_HOST is not: set EMAIL_HOST.")
        result = {"EMAIL_BACKEND": CONSOLE if debug else DUMMY, "EMAIL_CONFIGURED": debug}
    sender = environ.get("DEFAULT_FROM_EMAIL", "").strip()
    if sender:
        result["DEFAULT_FROM_EMAIL"] = result["SERVER_EMAIL"] = sender
    elif result["EMAIL_BACKEND"] == SMTP and not debug:
        raise ImproperlyConfigured(
            "DEFAULT_FROM_EMAIL is not set: give the address mail is sent from, "
            "e.g. iomdash@example.org."
        )
    return result


def _from_url(url: str, debug: bool) -> dict:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        # Printed in a log, mail reaches no user: offered as sent only in development.
        return {"EMAIL_BACKEND": CONSOLE, "EMAIL_CONFIGURED": debug}
    if scheme not in _SMTP_SCHEMES:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtp+tls://, smtps:// or console://, "
            f"got {scheme + '://' if scheme else url!r}."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL has no host (smtp://user:password@host:port).")
    default_port, use_tls, use_ssl = _SMTP_SCHEMES[scheme]
    try:
        port = parts.port or default_port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    query = parse_qs(parts.query)
    result = {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_CONFIGURED": True,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
    if "timeout" in query:
        result["EMAIL_TIMEOUT"] = _number("EMAIL_URL's timeout", query["timeout"][0])
    return result


def _from_host(environ: Mapping[str, str], host: str) -> dict:
    use_tls = env_bool("EMAIL_USE_TLS", False, environ)
    use_ssl = env_bool("EMAIL_USE_SSL", False, environ)
    if use_tls and use_ssl:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are both on: choose one.")
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_CONFIGURED": True,
        "EMAIL_HOST": host,
        "EMAIL_PORT": env_int("EMAIL_PORT", 465 if use_ssl else 25, environ),
        "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER", ""),
        "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD", ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }


def _number(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
