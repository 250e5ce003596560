"""Snapshot pages: the list, a new draft, a snapshot (draft preview or
published), publishing, the PDF's progress and its download. Every snapshot
is fetched through ``access.snapshot_for_user``; out of scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from programmes.access import user_role
from snapshots import services
from snapshots.access import (
    snapshot_can_create,
    snapshot_for_user,
    snapshots_for_user,
)
from snapshots.fingerprint import fingerprint_display
from snapshots.forms import SnapshotCreateForm
from snapshots.models import Snapshot
from snapshots.selectors import snapshot_payload, snapshot_previous
from snapshots.verify import MAX_UPLOAD_BYTES, file_sha256, snapshot_verification


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    snapshots = list(
        snapshots_for_user(request.user)
        .prefetch_related("programmes")
        .order_by("-period_end", "portfolio_key", "-created_at")
    )
    return render(
        request,
        "snapshots/list.html",
        {
            "snapshots": snapshots,
            "can_create": snapshot_can_create(request.user),
            "role": user_role(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def snapshot_create(request: HttpRequest) -> HttpResponse:
    if not snapshot_can_create(request.user):
        raise Http404
    form = SnapshotCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = services.snapshot_create(
                programmes=form.cleaned_data["programmes"],
                period_end=form.cleaned_data["quarter_end"],
                as_of=form.cleaned_data["as_of"],
                title=form.cleaned_data["title"],
                user=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("Draft created: check the figures, then publish it when they are right.")
            )
            return redirect("snapshots:detail", pk=snapshot.pk)
    return render(request, "snapshots/create.html", {"form": form})


@require_GET
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = snapshot_for_user(request.user, pk)
    previous = snapshot.previous if snapshot.is_published else snapshot_previous(snapshot)
    payload = snapshot_payload(snapshot, previous=previous)
    can_write = user_role(request.user) in ("admin", "manager")
    markers = {"increased": 0, "corrected": 0}
    blocks = [b for s in payload["sections"] for b in s["blocks"] if b["type"] == "figures"]
    for figure in [*payload["headlines"], *(f for b in blocks for f in b["items"])]:
        if figure["marker"] in markers:
            markers[figure["marker"]] += 1
    return render(
        request,
        "snapshots/detail.html",
        {
            "snapshot": snapshot,
            "payload": payload,
            "previous": previous,
            "can_write": can_write,
            "can_publish": can_write and not snapshot.is_published,
            "markers": markers,
            "downloads": snapshot.downloads.count() if can_write else None,
        },
    )


@require_POST
def snapshot_publish(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = snapshot_for_user(request.user, pk, write=True)
    try:
        services.snapshot_publish(snapshot=snapshot, user=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("snapshots:detail", pk=snapshot.pk)
    messages.success(
        request,
        _("Published: its figures are frozen. The PDF is being generated."),
    )
    return redirect("snapshots:pdf_status", pk=snapshot.pk)


@require_POST
def snapshot_pdf_request(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = snapshot_for_user(request.user, pk)
    if not snapshot.is_published:
        # A draft's preview is for the managers of its portfolio only.
        snapshot = snapshot_for_user(request.user, pk, write=True)
    services.snapshot_pdf_request(snapshot=snapshot, user=request.user)
    return redirect("snapshots:pdf_status", pk=snapshot.pk)


def _pdf_state(snapshot: Snapshot) -> dict:
    return {
        "status": snapshot.pdf_status,
        "status_label": str(snapshot.get_pdf_status_display()),
        "progress": snapshot.pdf_progress,
        "ready": snapshot.pdf_ready,
        "failed": snapshot.pdf_status == Snapshot.PdfStatus.FAILED,
    }


@require_GET
def snapshot_pdf_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF's progress: a page that reloads itself while the PDF is being
    made (``?format=json``: the state alone, for a script)."""
    snapshot = snapshot_for_user(request.user, pk)
    state = _pdf_state(snapshot)
    if request.GET.get("format") == "json":
        return JsonResponse(state)
    working = snapshot.pdf_status in (Snapshot.PdfStatus.QUEUED, Snapshot.PdfStatus.RUNNING)
    return render(
        request,
        "snapshots/pdf_status.html",
        {"snapshot": snapshot, "state": state, "working": working},
    )


@require_GET
def snapshot_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF, as an attachment; every download is logged. While
    there is none yet, the progress page."""
    snapshot = snapshot_for_user(request.user, pk)
    if not snapshot.pdf_ready:
        return redirect("snapshots:pdf_status", pk=snapshot.pk)
    return snapshot_pdf_response(snapshot=snapshot, user=request.user)


def snapshot_pdf_response(*, snapshot, user) -> FileResponse:
    """The stored PDF of ``snapshot`` (which must be ready) as an attachment,
    the download logged for ``user``: for the page and the API alike."""
    try:
        handle = snapshot.pdf.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    services.snapshot_download_log(snapshot=snapshot, user=user)
    suffix = "" if snapshot.is_published else "-draft"
    filename = f"snapshot-{snapshot.portfolio_key}-{snapshot.period_start:%Y-%m}-"
    filename += f"{snapshot.period_end:%Y-%m}{suffix}.pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def snapshot_verify(request: HttpRequest) -> HttpResponse:
    """The verification page, open to anyone: a fingerprint (typed, or ``?f=``
    from the address printed in a PDF) and/or an uploaded PDF, and which
    published snapshot it is. Only the title, period and publication day are
    shown, and a link to the snapshot for those who may open it."""
    typed = (request.POST.get("fingerprint") or request.GET.get("f") or "")[:64]
    upload = request.FILES.get("pdf") if request.method == "POST" else None
    result, error = None, ""
    if upload is not None and upload.size > MAX_UPLOAD_BYTES:
        error = _("This file is too large to be a snapshot PDF.")
    elif upload is not None or typed.strip():
        digest = file_sha256(upload) if upload is not None else ""
        result = snapshot_verification(user=request.user, fingerprint=typed, pdf_sha256=digest)
    response = render(
        request,
        "snapshots/verify.html",
        {
            "typed": typed,
            "result": result,
            "error": error,
            "fingerprint_shown": fingerprint_display(result.fingerprint) if result else "",
            "period_label": _period_label(result.snapshot) if result and result.snapshot else "",
            "uploaded": upload.name if upload is not None else "",
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _period_label(snapshot: Snapshot) -> str:
    payload = snapshot.payload or {}
    return (payload.get("period") or {}).get("label") or payload.get("quarter_label") or ""
