"""The visit form as an installable web app that works with no connection:
its manifest, its service worker (served under /visits/ so that it controls
the visit pages) and the reference lists the phone keeps. The app itself is
static/js/offline.js and static/js/sw.js; visits recorded offline are sent
through the idempotent visits API (``client_id``)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from beneficiaries import access, selectors


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js at /visits/sw.js: a worker's scope is the folder it is
    served from. It starts by loading the vendored Workbox
    (static/vendor/workbox/, by its static URL, hashed in production). Never
    cached by the browser, so a new version is found."""
    path = finders.find("js/sw.js")
    if path is None:  # pragma: no cover - a broken deployment
        raise Http404
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    source = f"importScripts({json.dumps(static('vendor/workbox/workbox.js'))});\n{source}"
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: "install" opens a new visit, standalone."""
    data = {
        "name": _("iomdash field visits"),
        "short_name": _("Visits"),
        "start_url": reverse("beneficiaries:visit_new"),
        "scope": reverse("beneficiaries:visit_list"),
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0b5cad",
        "icons": [{"src": static("img/visits-icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@never_cache
@require_GET
def reference(request: HttpRequest) -> JsonResponse:
    """The lists the offline form needs (``selectors.offline_reference``),
    for field staff only; the phone keeps the last answer."""
    if not access.visit_can_create(request.user):
        raise Http404
    data = selectors.offline_reference(request.user)
    data["user"] = request.user.get_username()
    return JsonResponse(data)


# A plural message is handed to the page as its text for each count from 0 to
# 199; offline.js takes count 100 + n % 100 beyond (the plural rules of the
# site's languages repeat every hundred from 100 on: Arabic has six forms).
PLURAL_COUNTS = 200


COUNTS = range(PLURAL_COUNTS)


def offline_text() -> dict[str, str | list[str]]:
    """The sentences static/js/offline.js shows, translated (handed to the
    page with ``json_script``; ``%(name)s`` placeholders are filled in there;
    a list is a plural message, its text for each count: ``PLURAL_COUNTS``)."""
    return {
        "draft_saved": _("Draft saved on this phone."),
        "draft_restored": _("Your draft kept on this phone is back in the form."),
        "photo_kept": _("Photo made smaller and kept on this phone (%(size)s kB)."),
        "queued": _(
            "No connection: the visit is kept on this phone and will be sent when the "
            "connection returns."
        ),
        "waiting": [
            ngettext("%(count)s visit waiting to send", "%(count)s visits waiting to send", n)
            for n in COUNTS
        ],
        "sending": _("Sending visit %(done)s of %(count)s…"),
        "sent": [ngettext("%(count)s visit sent.", "%(count)s visits sent.", n) for n in COUNTS],
        "send_failed": _("Sending stopped: the connection is weak. It will be tried again."),
        "logged_out": _("You were logged out: log in again to send the waiting visits."),
        "offline": _("No connection. What you type is kept on this phone."),
        "state_waiting": _("waiting"),
        "state_sending": _("sending…"),
        "state_conflict": _("not sent: fix it"),
        "fix": _("Open it in the form to fix"),
        "open_on_server": _("Open the visit saved on the server"),
        "visit_label": _("Visit to %(project)s on %(date)s"),
        "refused": _("The server refused this visit."),
        "changed_on_server": _(
            "This visit was changed on the server meanwhile (returned by a manager, or "
            "already reviewed). Open it there; what you typed is kept here."
        ),
        "project_gone": _(
            "The project of this draft is no longer in your list: choose the project again."
        ),
        "photo_refused": _("The photo “%(caption)s” was refused: choose it again."),
        "field_project": _("Project"),
        "field_visit_date": _("Visit date"),
        "field_findings": _("Findings"),
        "field_lines": _("Assistance line"),
        "field_referrals": _("Referral"),
        "field_feedback": _("Feedback"),
        "field_activity_type": _("Activity type"),
        "field_households": _("Households"),
        "field_people": _("People"),
        "field_units": _("Units"),
        "field_reaches": _("Shared reaches"),
        "field_reach": _("Shares its households with"),
        "field_key": _("Shared reach"),
        "field_image": _("Photo"),
        "field_caption": _("Caption"),
        "field_credit": _("Photo credit"),
        "sending_photo": _("Sending photo %(number)s of %(count)s: %(percent)s%%"),
        "returned": _("Returned by a manager meanwhile: “%(reason)s”. Correct it on the server."),
        "correct_on_server": _("Open the returned visit to correct it"),
        "dismiss": _("Done: remove it from this phone"),
    }
