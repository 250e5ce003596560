"""The language switcher in every page's header."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from programmes.l10n import DIGIT_SYSTEMS
from programmes.preferences import preference_cookies_set, preferences_set


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    digits = forms.ChoiceField(
        label=_("Digits"), choices=[(d, d) for d in DIGIT_SYSTEMS], required=False
    )
    next = forms.CharField(required=False, max_length=2000)


@login_not_required
@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """Show the site in the chosen language (and digits) from now on, on this
    device and, for a logged-in user, on every device they log in from; then
    back to the page the switcher was on. The address does not change with
    the language."""
    form = LanguageForm(request.POST)
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if not form.is_valid():
        return HttpResponseRedirect(target)
    language = form.cleaned_data["language"]
    digits = form.cleaned_data["digits"] or None
    if request.user.is_authenticated:
        preferences_set(user=request.user, language=language, digits=digits)
    return preference_cookies_set(HttpResponseRedirect(target), language=language, digits=digits)
