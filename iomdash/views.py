"""Project-level pages: the home page, the health check, visit photos, and
the login and password-reset pages."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from iomdash.celery import app as celery_app
from iomdash.selectors import home_summary, photo_for_user

HEALTH_TIMEOUT_S = 2.0


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200]


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure is reported, not raised
        return _short(exc)
    return "ok"


def check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=HEALTH_TIMEOUT_S)
    except Exception as exc:
        return _short(exc)
    return "ok"


def check_worker() -> str:
    try:
        # limit=1: answer as soon as one worker replies, not after the timeout.
        replies = celery_app.control.ping(timeout=HEALTH_TIMEOUT_S, limit=1)
    except Exception as exc:
        return _short(exc)
    return "ok" if replies else "no worker answered"


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"database", "broker", "worker"}``, each "ok" or a short error;
    HTTP 200 only when all three are ok, 503 otherwise."""
    status = {"database": check_database(), "broker": check_broker()}
    status["worker"] = check_worker() if status["broker"] == "ok" else "broker unavailable"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(status, status=200 if healthy else 503)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"summary": home_summary(user=request.user)})


@require_GET
def media(request: HttpRequest, path: str) -> FileResponse:
    """A stored visit photo, for a user who may see its visit (see
    ``photo_for_user``); anything else under MEDIA_ROOT, such as snapshot
    PDFs (served by their logged download view), is a 404. Photos show
    vulnerable people, so no web server serves the media folder directly."""
    photo = photo_for_user(request.user, path)
    if photo is None:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=3600"
    return response


class LoginView(auth_views.LoginView):
    """Django's login page, offering "forgot your password" only where mail can be sent."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_reset_offered"] = settings.EMAIL_CONFIGURED
        return context


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
