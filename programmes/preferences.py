"""A user's language and digits: chosen with the switcher in the page header,
kept on their profile, and carried by cookies so that no request reads the
profile to know them.

- The language cookie is Django's own (``LANGUAGE_COOKIE_NAME``):
  ``LocaleMiddleware`` reads it before the browser's ``Accept-Language``, so
  the browser's language is the default and the address never changes.
- The digits cookie is read by ``programmes.middleware.DigitsMiddleware``.
- At login, the profile's choices are put back in the cookies
  (``preference_cookies_set``), so a choice follows the user to a new phone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse

from programmes.l10n import DIGIT_SYSTEMS
from programmes.models import UserProfile

DIGITS_COOKIE_NAME = "iomdash_digits"
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@transaction.atomic
def preferences_set(*, user, language: str | None = None, digits: str | None = None) -> None:
    """Keep ``language`` (a code of ``LANGUAGES``, or "" for the browser's) and
    ``digits`` ("latn" or "arab") on ``user``'s profile; None leaves a choice
    as it is. A user without a profile (a superuser made by hand) keeps
    nothing: the cookies alone carry the choice. Raises ``ValueError`` for a
    code that is not offered."""
    if language is not None and language not in ["", *LANGUAGE_CODES]:
        raise ValueError(f"unknown language {language!r}")
    if digits is not None and digits not in DIGIT_SYSTEMS:
        raise ValueError(f"unknown digits {digits!r}")
    profile = UserProfile.objects.filter(user=user).first()
    if profile is None:
        return
    changed = []
    if language is not None and profile.language != language:
        profile.language = language
        changed.append("language")
    if digits is not None and profile.digits != digits:
        profile.digits = digits
        changed.append("digits")
    if changed:
        profile._change_reason = "preferences"
        profile.save(update_fields=changed)


def preference_cookies_set(
    response: HttpResponse, *, language: str | None, digits: str | None
) -> HttpResponse:
    """``response`` with the cookies that carry ``language`` and ``digits``
    (an empty language removes the cookie: the browser's language again)."""
    cookie = {
        "max_age": settings.LANGUAGE_COOKIE_AGE,
        "path": settings.LANGUAGE_COOKIE_PATH,
        "secure": settings.LANGUAGE_COOKIE_SECURE,
        "httponly": settings.LANGUAGE_COOKIE_HTTPONLY,
        "samesite": settings.LANGUAGE_COOKIE_SAMESITE,
    }
    if language == "":
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=cookie["path"])
    elif language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, **cookie)
    if digits:
        response.set_cookie(DIGITS_COOKIE_NAME, digits, **cookie)
    return response
