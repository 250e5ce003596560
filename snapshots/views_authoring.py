"""The authoring pages of a draft snapshot: starting one, and the draft page
where the reporting officer edits its title, day, disclaimer and contact, its
sections and their blocks, sees each block's live preview and the sentences
proposed from its figures, and publishes it.

Plain forms, POST-redirect-GET: every write posts to its own address, calls
one service of ``authoring`` and comes back to the draft page at the part it
changed; a refused write shows the draft page again with the errors beside
the field. Every object is fetched through ``access`` with ``write=True``:
out of scope, or published, is a 404 or a refusal, never a change.

The live preview and the proposed sentences come through ``draft_preview``,
the one place that calls the payload builder (``snapshots.build``) and the
sentences (``snapshots.sentences``): the page works, without previews, where
they are missing or fail."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from snapshots import authoring, services
from snapshots.access import (
    block_for_user,
    section_for_user,
    snapshot_can_create,
    snapshot_for_user,
)
from snapshots.block_forms import BlockAddForm, block_editor, editor_choices
from snapshots.forms import (
    HideForm,
    MoveForm,
    SectionAddForm,
    SectionForm,
    SentenceForm,
    SnapshotCreateForm,
    SnapshotEditForm,
    form_errors_from,
)
from snapshots.models import Snapshot, SnapshotBlock, SnapshotSection
from snapshots.selectors import snapshot_previous

log = logging.getLogger(__name__)
Kind = SnapshotBlock.Kind


# --- The live preview: the one adapter to the payload builder and the sentences -------


@dataclass
class DraftPreview:
    """What a draft renders to, by block: ``payload`` (payload v2, or None
    when it could not be made), ``errors`` as the builder gives them
    (``[{"section": key, "block": pk, "message": str}]``), each block's
    rendered payload block (``blocks``, by pk) and errors (``block_errors``),
    errors of a section outside any block (``section_errors``, by key), and
    the sentences proposed for each section (``sentences``, by key)."""

    payload: dict | None = None
    errors: list[dict] = field(default_factory=list)
    blocks: dict[int, dict] = field(default_factory=dict)
    block_errors: dict[int, list[str]] = field(default_factory=dict)
    section_errors: dict[str, list[str]] = field(default_factory=dict)
    sentences: dict[str, list[str]] = field(default_factory=dict)
    sentences_ar: dict[str, list[str]] = field(default_factory=dict)
    failed: bool = False


def draft_preview(
    snapshot: Snapshot,
    sections: list[SnapshotSection],
    *,
    previous: Snapshot | None = None,
    propose: SnapshotSection | None = None,
) -> DraftPreview:
    """The preview of the draft ``snapshot`` whose ``sections`` (with their
    blocks prefetched) the page shows, compared with ``previous`` (default:
    the previous published snapshot of its series), with the sentences
    proposed for the section ``propose`` (asked for one section at a time:
    each costs the resolution of its figures in every governorate). Empty
    (no payload) where the builder is missing; ``failed`` when it raised
    (logged: the page stays usable for editing)."""
    preview = DraftPreview()
    try:
        from snapshots.build import snapshot_document
    except ImportError:
        return preview
    try:
        preview.payload, preview.errors = snapshot_document(snapshot, previous=previous)
    except Exception:
        log.exception("snapshot %s: the draft preview failed", snapshot.pk)
        preview.failed = True
        return preview
    _preview_by_block(preview, sections)
    if propose is not None:
        preview.sentences = _sentences(snapshot, [propose], previous)
        if "ar" in snapshot.languages:
            # The same sentences in Arabic, for the Arabic text.
            with translation.override("ar"):
                preview.sentences_ar = _sentences(snapshot, [propose], previous)
    return preview


def _preview_by_block(preview: DraftPreview, sections: list[SnapshotSection]) -> None:
    """Each block's part of the payload and its errors. The builder leaves
    out hidden sections and blocks with nothing to print (an empty text, no
    figure that resolves), so a payload block is matched with the next
    block of its kind that has something to print (or by its ``block`` id
    where the builder gives one)."""
    for error in preview.errors:
        message = str(error.get("message", ""))
        if error.get("block"):
            preview.block_errors.setdefault(error["block"], []).append(message)
        else:
            preview.section_errors.setdefault(str(error.get("section", "")), []).append(message)
    rendered = {
        s.get("key"): s.get("blocks") or [] for s in (preview.payload or {}).get("sections", [])
    }
    for section in sections:
        shown = list(rendered.get(section.key) or [])
        by_pk = {b.get("block"): b for b in shown if isinstance(b, dict) and b.get("block")}
        for block in section.blocks.all():
            if by_pk:
                found = by_pk.get(block.pk)
            elif shown and shown[0].get("type") == block.kind and _prints(block, preview):
                found = shown.pop(0)
            else:
                found = None
            if found is not None:
                preview.blocks[block.pk] = found


def _prints(block: SnapshotBlock, preview: DraftPreview) -> bool:
    """Whether the builder prints something for ``block`` (see ``snapshots.build``)."""
    content = block.content or {}
    if block.kind == Kind.NARRATIVE:
        return bool((content.get("text") or "").strip())
    if block.kind == Kind.FIGURES:
        items = content.get("items") or []
        return len(items) > len(preview.block_errors.get(block.pk, []))
    return True


def _sentences(
    snapshot: Snapshot, sections: list[SnapshotSection], previous: Snapshot | None
) -> dict[str, list[str]]:
    """The sentences proposed for each visible section with figures, about
    its figures (resolved as the builder resolves them)."""
    try:
        from snapshots.references import FigureContext
        from snapshots.sentences import proposed_sentences
    except ImportError:
        return {}
    previous = previous if previous is not None else snapshot_previous(snapshot)
    context = FigureContext(
        programmes=tuple(p.pk for p in snapshot.programmes.all()),
        period_start=snapshot.period_start,
        as_of=snapshot.as_of,
        previous_as_of=previous.as_of if previous else None,
        previous_references=((previous.payload or {}).get("references") or {}) if previous else {},
        compared_label=snapshot.period.compared_label,
    )
    found = {}
    for section in sections:
        refs = [
            item["ref"]
            for block in section.blocks.all()
            if block.kind == Kind.FIGURES
            for item in block.content.get("items") or []
        ]
        if not section.hidden:
            try:
                found[section.key] = proposed_sentences(refs, context) if refs else []
            except Exception:
                log.exception("snapshot %s: sentences of %s failed", snapshot.pk, section.key)
    return found


# --- Creating a draft -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def snapshot_create(request: HttpRequest) -> HttpResponse:
    if not snapshot_can_create(request.user):
        raise Http404
    form = SnapshotCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            snapshot = authoring.snapshot_create(
                series=data["series"],
                programmes=data["programmes"],
                cadence=data["cadence"],
                period_end=data["period_end"],
                as_of=data["as_of"],
                title=data["title"],
                user=request.user,
            )
        except ValidationError as error:
            form_errors_from(form, _renamed(error, period_end="period"))
        else:
            messages.success(
                request,
                _("Draft created: write its sections, check the figures, then publish it."),
            )
            return redirect("snapshots:detail", pk=snapshot.pk)
    return render(request, "snapshots/create.html", {"form": form})


def _renamed(error: ValidationError, **names: str) -> ValidationError:
    """``error`` with its fields renamed (a service's field to the form's)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({names.get(k, k): v for k, v in error.error_dict.items()})


# --- The draft page ----------------------------------------------------------------


@dataclass
class BlockView:
    block: SnapshotBlock
    editor: object
    preview: dict | None
    errors: list[str]
    first: bool
    last: bool


@dataclass
class SectionView:
    section: SnapshotSection
    form: SectionForm
    blocks: list[BlockView]
    add_block: BlockAddForm
    sentences: list[str]
    sentences_ar: list[str]
    proposed: bool
    errors: list[str]
    first: bool
    last: bool


def draft_page(
    request: HttpRequest,
    snapshot: Snapshot,
    *,
    bound: dict | None = None,
    publish_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The authoring page of the draft ``snapshot``; ``bound`` holds the
    posted form of a refused write (by "snapshot", ("section", pk),
    ("block", pk), "add_section" or ("add_block", pk)), shown with its
    errors in place of the saved values. ``?propose=<section id>`` shows
    the sentences proposed for that section."""
    bound = bound or {}
    today = timezone.localdate()
    sections = list(snapshot.sections.prefetch_related("blocks"))
    previous = snapshot_previous(snapshot)
    asked = request.GET.get("propose", "")
    propose = next((s for s in sections if str(s.pk) == asked), None)
    preview = draft_preview(snapshot, sections, previous=previous, propose=propose)
    choices = editor_choices(user=request.user, snapshot=snapshot)
    views = []
    for i, section in enumerate(sections):
        blocks = list(section.blocks.all())
        views.append(
            SectionView(
                section=section,
                form=bound.get(("section", section.pk)) or SectionForm.for_section(section),
                blocks=[
                    BlockView(
                        block=block,
                        editor=bound.get(("block", block.pk))
                        or block_editor(block, choices=choices),
                        preview=preview.blocks.get(block.pk),
                        errors=preview.block_errors.get(block.pk, []),
                        first=j == 0,
                        last=j == len(blocks) - 1,
                    )
                    for j, block in enumerate(blocks)
                ],
                add_block=bound.get(("add_block", section.pk))
                or BlockAddForm(prefix=f"add{section.pk}"),
                sentences=preview.sentences.get(section.key, []),
                sentences_ar=preview.sentences_ar.get(section.key, []),
                proposed=section.key in preview.sentences,
                errors=preview.section_errors.get(section.key, []),
                first=i == 0,
                last=i == len(sections) - 1,
            )
        )
    payload = preview.payload or {}
    running = snapshot.period_end > today
    markers = {"increased": 0, "corrected": 0}
    for figure in [
        *(payload.get("headlines") or []),
        *(f for b in preview.blocks.values() if b.get("type") == "figures" for f in b["items"]),
    ]:
        if figure.get("marker") in markers:
            markers[figure["marker"]] += 1
    return render(
        request,
        "snapshots/draft.html",
        {
            "snapshot": snapshot,
            "payload": payload,
            "previous": previous,
            "edit_form": bound.get("snapshot") or SnapshotEditForm.for_snapshot(snapshot),
            "add_section": bound.get("add_section") or SectionAddForm(),
            "sections": views,
            "preview": preview,
            "markers": markers,
            "publish_errors": publish_errors or [],
            "running_note": _(
                "%(period)s has not ended: it can only be published with figures as of "
                "today, %(today)s."
            )
            % {"period": snapshot.period_label, "today": date_format(today, "j F Y")}
            if running
            else "",
            "downloads": snapshot.downloads.count(),
        },
        status=status,
    )


def _back(snapshot_pk: int, anchor: str = "") -> HttpResponse:
    url = reverse("snapshots:detail", kwargs={"pk": snapshot_pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(request, snapshot, bound: dict) -> HttpResponse:
    """The draft page again, with the refused form's errors (400); for a
    snapshot published meanwhile, its read view and why nothing changed."""
    if snapshot.is_published:
        messages.error(request, _("A published snapshot never changes."))
        return _back(snapshot.pk)
    return draft_page(request, snapshot, bound=bound, status=400)


@require_POST
def snapshot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = snapshot_for_user(request.user, pk, write=True)
    form = SnapshotEditForm.for_snapshot(snapshot, request.POST)
    if form.is_valid():
        try:
            authoring.snapshot_update(snapshot=snapshot, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("Saved."))
            return _back(snapshot.pk, "document")
    return _refused(request, snapshot, {"snapshot": form})


@require_POST
def snapshot_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the draft; the guard's refusal ("Q4 2026 has not ended ...")
    is shown on the draft page, beside the as-of field when it is about it."""
    snapshot = snapshot_for_user(request.user, pk, write=True)
    try:
        services.snapshot_publish(snapshot=snapshot, user=request.user)
    except ValidationError as error:
        if snapshot.is_published:
            for message in error.messages:
                messages.error(request, message)
            return _back(snapshot.pk)
        form = SnapshotEditForm.for_snapshot(snapshot)
        return draft_page(
            request,
            snapshot,
            bound={"snapshot": form},
            publish_errors=[str(m) for m in error.messages],
            status=400,
        )
    messages.success(request, _("Published: its figures are frozen. The PDF is being generated."))
    return redirect("snapshots:pdf_status", pk=snapshot.pk)


# --- Sections --------------------------------------------------------------------


@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = snapshot_for_user(request.user, pk, write=True)
    form = SectionAddForm(request.POST)
    if form.is_valid():
        try:
            section = authoring.section_add(snapshot=snapshot, title=form.cleaned_data["title"])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _back(snapshot.pk, f"section-{section.pk}")
    return _refused(request, snapshot, {"add_section": form})


@require_POST
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    section = section_for_user(request.user, pk, section_pk)
    form = SectionForm.for_section(section, request.POST)
    if form.is_valid():
        try:
            authoring.section_update(section=section, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _back(pk, f"section-{section.pk}")
    return _refused(request, section.snapshot, {("section", section.pk): form})


@require_POST
def section_hide(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    section = section_for_user(request.user, pk, section_pk)
    form = HideForm(request.POST)
    if form.is_valid():
        _write(
            request, authoring.section_update, section=section, hidden=form.cleaned_data["hidden"]
        )
    return _back(pk, f"section-{section.pk}")


@require_POST
def section_move(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    section = section_for_user(request.user, pk, section_pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        _write(request, authoring.section_move, section=section, offset=form.cleaned_data["offset"])
    return _back(pk, f"section-{section.pk}")


@require_POST
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    section = section_for_user(request.user, pk, section_pk)
    if _write(request, authoring.section_delete, section=section):
        messages.success(request, _("Section “%(title)s” deleted.") % {"title": section.title})
    return _back(pk, "sections")


@require_POST
def sentence_add(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    """Append a proposed sentence to the section's first narrative block
    (made when the section has none)."""
    section = section_for_user(request.user, pk, section_pk)
    form = SentenceForm(request.POST)
    if not form.is_valid():
        return _back(pk, f"section-{section.pk}")
    sentence = form.cleaned_data["sentence"].strip()
    # An Arabic sentence goes to the Arabic text, beside the English.
    key = "text_ar" if form.cleaned_data.get("language") == "ar" else "text"
    narrative = next((b for b in section.blocks.all() if b.kind == Kind.NARRATIVE), None)
    if narrative is None:
        block = _write(
            request,
            authoring.block_add,
            section=section,
            kind=Kind.NARRATIVE,
            content={"text": "", key: sentence},
            position=0,
        )
    else:
        text = (narrative.content.get(key) or "").rstrip()
        block = _write(
            request,
            authoring.block_update,
            block=narrative,
            content={**narrative.content, key: f"{text}\n\n{sentence}" if text else sentence},
        )
    return _back(pk, f"block-{block.pk}" if block else f"section-{section.pk}")


def _write(request: HttpRequest, service, **kwargs):
    """Call ``service``; a refusal becomes a message on the page (these
    writes have no field to show it beside). Returns the service's answer,
    or None when refused."""
    try:
        return service(**kwargs) or True
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None


# --- Blocks ----------------------------------------------------------------------


@require_POST
def block_add(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    section = section_for_user(request.user, pk, section_pk)
    form = BlockAddForm(request.POST, prefix=f"add{section.pk}")
    if form.is_valid():
        try:
            block = authoring.block_add(section=section, kind=form.cleaned_data["kind"])
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _back(pk, f"block-{block.pk}")
    return _refused(request, section.snapshot, {("add_block", section.pk): form})


@require_POST
def block_edit(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    block = block_for_user(request.user, pk, block_pk)
    snapshot = block.section.snapshot
    editor = block_editor(
        block, request.POST, choices=editor_choices(user=request.user, snapshot=snapshot)
    )
    if editor.is_valid():
        try:
            authoring.block_update(block=block, content=editor.content())
        except ValidationError as error:
            editor.add_service_error(error)
        else:
            return _back(pk, f"block-{block.pk}")
    return _refused(request, snapshot, {("block", block.pk): editor})


@require_POST
def block_move(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    block = block_for_user(request.user, pk, block_pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        _write(request, authoring.block_move, block=block, offset=form.cleaned_data["offset"])
    return _back(pk, f"block-{block.pk}")


@require_POST
def block_delete(request: HttpRequest, pk: int, block_pk: int) -> HttpResponse:
    block = block_for_user(request.user, pk, block_pk)
    _write(request, authoring.block_delete, block=block)
    return _back(pk, f"section-{block.section_id}")
