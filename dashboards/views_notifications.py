"""The user's notifications: the list (newest first), opening one (which
marks it read), marking all read, and the choice of what to be told."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from programmes.access import notification_for_user, notifications_for_user
from programmes.models import NotificationKind
from programmes.notifications import (
    notification_mark_read,
    notification_preferences,
    notification_preferences_set,
    notification_text,
)

PAGE_SIZE = 30


@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, each with its sentence."""
    page = Paginator(notifications_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(row, notification_text(row)) for row in page]
    return render(request, "dashboards/notifications.html", {"page": page, "rows": rows})


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go where it leads (or back to the list)."""
    notification = notification_for_user(request.user, pk)
    notification_mark_read(user=request.user, notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification of the user read."""
    notification_mark_read(user=request.user)
    return redirect("notifications:list")


class PreferencesForm(forms.Form):
    """One "tell me" and one "by email" box per kind of notification."""

    def __init__(self, *args, initial_choices: dict[str, tuple[bool, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = []
        for kind, label in NotificationKind.choices:
            in_app, by_email = initial_choices[kind]
            self.fields[f"{kind}-in_app"] = forms.BooleanField(
                label=label, required=False, initial=in_app
            )
            self.fields[f"{kind}-by_email"] = forms.BooleanField(
                label=_("by email too"), required=False, initial=by_email
            )
            self.kinds.append((label, self[f"{kind}-in_app"], self[f"{kind}-by_email"]))

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {
            kind: (data[f"{kind}-in_app"], data[f"{kind}-by_email"])
            for kind in NotificationKind.values
        }


@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences_page(request: HttpRequest) -> HttpResponse:
    """Turn each kind of notification on or off, in the product and by email."""
    user = request.user
    form = PreferencesForm(request.POST or None, initial_choices=notification_preferences(user))
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(user=user, choices=form.choices())
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "dashboards/notification_preferences.html",
        {"form": form, "email_configured": settings.EMAIL_CONFIGURED},
    )
