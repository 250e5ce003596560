"""The login page, and Django's password reset only where mail can be sent."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programmes.preferences import preference_cookies_set


class LoginView(auth_views.LoginView):
    """Django's login page, offering "forgot your password" only where mail can be sent."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_reset_offered"] = settings.EMAIL_CONFIGURED
        return context

    def form_valid(self, form):
        """Log in, and bring back the language and digits the user chose on
        another device (``programmes.preferences``); a user who never chose
        keeps this device's."""
        response = super().form_valid(form)
        profile = getattr(form.get_user(), "profile", None)
        if profile is not None:
            preference_cookies_set(
                response, language=profile.language or None, digits=profile.digits
            )
        return response


def password_reset_step(view):
    """``view`` (a step of Django's password reset) where email is configured;
    elsewhere a 404 page saying to ask an administrator, so that no page
    claims an email was sent when nothing can send one."""

    @login_not_required
    @functools.wraps(view)
    def step(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.EMAIL_CONFIGURED:
            return render(request, "registration/password_reset_unavailable.html", status=404)
        return view(request, *args, **kwargs)

    return step
