"""The digits a request's pages show numbers in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from programmes.l10n import digits_activate, digits_reset
from programmes.preferences import DIGITS_COOKIE_NAME


class DigitsMiddleware:
    """Numbers in the digits the user chose (their cookie, set by the header's
    switcher and at login; ``programmes.preferences``): Western by default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = digits_activate(request.COOKIES.get(DIGITS_COOKIE_NAME, "latn"))
        try:
            return self.get_response(request)
        finally:
            digits_reset(token)
