"""The visit form's answers to its own script (static/js/visit_upload.js).

With photos chosen and a connection, the script posts the form without its
photos, asking for JSON; the photos follow one by one, each with its upload
progress and retried until it is on the server, then the visit is submitted
if that was asked (``photos_follow``: saved as a draft until its photos are
in). A new visit carries the phone's id of it (``client_id``), so a post
retried after a lost answer finds the visit made the first time instead of
making a second one. Without the script the form is posted as usual."""

from __future__ import annotations

import uuid

from django.forms.utils import ErrorDict
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from beneficiaries import access
from beneficiaries.models import MonitoringVisit


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def photos_follow(request: HttpRequest) -> bool:
    """Whether the submission waits for photos sent after the form."""
    return wants_json(request) and "photos_follow" in request.POST


def client_id(request: HttpRequest, visit: MonitoringVisit | None) -> uuid.UUID | None:
    """The phone's id of a new visit posted by the script, or None (an
    existing visit, a plain post, an id that is no UUID)."""
    if visit is not None or not wants_json(request):
        return None
    try:
        return uuid.UUID(request.POST.get("client_id", ""))
    except ValueError:
        return None


def sent_before(request: HttpRequest, client_id: uuid.UUID) -> tuple[MonitoringVisit | None, bool]:
    """The visit this user already made with ``client_id`` (a retried post),
    and whether the id is another user's (then it must not be used)."""
    return access.visit_sent_before(request.user, client_id)


def saved(visit: MonitoringVisit, *, submitting: bool) -> JsonResponse:
    """The visit is on the server: its id, where its photos go, and the page
    to open once they are in (the visit's page when submitting, else its
    form)."""
    view = "beneficiaries:visit_detail" if submitting else "beneficiaries:visit_edit"
    return JsonResponse(
        {
            "id": visit.pk,
            "photos": reverse("beneficiaries:photo_add", args=[visit.pk]),
            "next": reverse(view, args=[visit.pk]),
        }
    )


def refused(forms: list, formsets: list) -> JsonResponse:
    """Nothing was saved: every message by the name of its field in the
    form (``lines-0-people``), and those about the visit as a whole under
    ""; the script puts each by its field, as the page would."""
    errors: dict[str, list[str]] = {}

    def add(name: str, messages) -> None:
        errors.setdefault(name, []).extend(str(message) for message in messages)

    for formset in formsets:
        add("", formset.non_form_errors())
    for form in [*forms, *(form for formset in formsets for form in formset.forms)]:
        found: ErrorDict = form.errors
        for name, messages in found.items():
            # A row's own messages (a line's) go by the row: its prefix.
            whole = name == "__all__"
            add((form.prefix or "") if whole else form.add_prefix(name), messages)
    return JsonResponse({"errors": {k: v for k, v in errors.items() if v}}, status=400)
