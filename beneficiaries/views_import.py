"""Pages of the beneficiary-list import: upload, dry-run result with its
errors, confirmation, progress and result, and the template.

Every import is fetched through ``access.import_for_user``: only the user
who uploaded it sees it; a donor, or a user without a role, gets "not found".
"""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from beneficiaries import access, imports, selectors
from beneficiaries.models import (
    SPLIT_FIELDS,
    ActivityType,
    AgeGroup,
    PopulationGroup,
    Sex,
    recipient_field,
)
from beneficiaries.models_splits import SPLIT_LABELS

RUNNING = imports.RUNNING_STATES
STEPS = dict(imports.State.choices)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Beneficiary list (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def column_docs() -> list[tuple[str, bool, str]]:
    """The documented columns as (name, required, description), in template order."""
    docs = {
        "project": _("Project code, as in iomdash (e.g. KRK-01). Only your projects."),
        "governorate": _(
            "The project's governorate: P-code (IQG13), English or Arabic name, or a "
            "usual spelling (Dahuk, Thi-Qar, نينوى)."
        ),
        "district": _(
            "Optional: the district or sub-district, by P-code (IQG15Q05), English or Arabic "
            "name, or a usual spelling (Hawija, Qayyarah); it must be in the project's district, "
            "or in its governorate when the project names no district."
        ),
        "activity_type": _("Activity type, by name (e.g. Business support package)."),
        "delivered_on": _("Day of delivery: 2018-03-01, 01/03/2018 (day first) or 1 March 2018."),
        "people": _("Direct recipients (a whole number; 1,234 is read as 1234)."),
        "units": _("Units delivered (packages, courses, kits ...). Empty means 0."),
        "households": _("Households reached, no more than the people. Empty means 0."),
        "household_size": _("Recorded household size, 1 to 30, if known."),
        "shared_reach": _(
            "Optional: a name for households several rows reached together (e.g. 29 joint and "
            "9 association businesses reaching 110 households). The rows of one name are one "
            "delivery (same project, place and day) and repeat the same households, people "
            "and household size, which count once."
        ),
    }
    return [(name, name in imports.REQUIRED_COLUMNS, docs[name]) for name in docs]


def template_csv() -> bytes:
    """The import template as CSV UTF-8 (with a BOM, so Excel reads Arabic right)."""
    out = io.StringIO()
    csv.writer(out).writerow(imports.COLUMNS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The import template as an Excel workbook: the columns on the first
    sheet (the one imported), what they mean on a second."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "records"
    sheet.append(imports.COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    notes = workbook.create_sheet("columns")
    notes.append([_("column"), _("required"), _("meaning")])
    for name, required, text in column_docs():
        notes.append([name, _("yes") if required else _("no"), text])
    for name, label, aliases in split_columns():
        notes.append([name, _("no"), _SPLIT_DOC % {"label": label, "aliases": aliases}])
    breakdown = _(
        "Recipients crossed by sex, age group and population group, if recorded so; empty means 0."
    )
    notes.append(["f_0_5_idp … m_60plus_refugee", _("no"), breakdown])
    pairs = _(
        "Recipients crossed by two of sex, age group and population group without the third, "
        "if recorded so (f_18_59: women 18–59; f_idp: women IDPs; 18_59_idp: IDPs 18–59); "
        "empty means not recorded, and what they leave of the people is shown as not recorded."
    )
    notes.append(["f_0_5 … m_60plus, f_idp … m_refugee, 0_5_idp … 60plus_refugee", _("no"), pairs])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _require_importer(request: HttpRequest) -> None:
    if not access.import_can_start(request.user):
        raise Http404


_SPLIT_DOC = _(
    "%(label)s, as recorded (also headed %(aliases)s); empty means not recorded. "
    "Each of sex, age group and population group adds up to no more than the people."
)


def split_columns() -> list[tuple[str, str, str]]:
    """The split columns as (column, label, the other headings read as it)."""
    aliases: dict[str, list[str]] = {}
    for heading, column in imports.HEADER_ALIASES.items():
        if column in SPLIT_FIELDS and heading != column:
            aliases.setdefault(column, []).append(heading)
    return [
        (column, str(SPLIT_LABELS[column]), ", ".join(aliases.get(column, [])) or "–")
        for column in SPLIT_FIELDS
    ]


def _breakdown_columns() -> list[tuple[str, str, list[str]]]:
    """The breakdown columns as (sex, age group, [column per population group])."""
    return [
        (sex.label, age.label, [recipient_field(sex, age, group) for group in PopulationGroup])
        for sex in Sex
        for age in AgeGroup
    ]


@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload form, with the columns documented; a valid upload is
    stored and queued for its dry run in a worker, and the user is sent to
    its page, which shows the progress."""
    _require_importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            status = imports.import_create(user=request.user, upload=form.cleaned_data["file"])
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("beneficiaries:import_detail", batch_id=status["id"])
    return render(
        request,
        "beneficiaries/import_upload.html",
        {
            "form": form,
            "columns": column_docs(),
            "breakdown": _breakdown_columns(),
            "splits": split_columns(),
            "groups": PopulationGroup.labels,
            "activity_types": ActivityType.objects.values_list("name", flat=True),
            "max_rows": f"{imports.MAX_ROWS:,}",
            "preview_rows": imports.PREVIEW_ROWS,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD"])
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The empty template to fill in, as CSV UTF-8 or XLSX."""
    _require_importer(request)
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assistance-import.{fmt}"'
    return response


@require_http_methods(["GET", "HEAD"])
def import_detail(request: HttpRequest, batch_id) -> HttpResponse:
    """An import's page: progress while it runs (the page refreshes itself),
    then the dry-run result (counts, first rows, every error by row and
    column, Confirm when there is none) or the final result."""
    status = access.import_for_user(request.user, batch_id)
    state = status["state"]
    return render(
        request,
        "beneficiaries/import_detail.html",
        {
            "batch": status,
            "state": state,
            "running": state in RUNNING,
            "step_label": STEPS.get(state, state),
            "counts": status.get("counts") or {},
            "can_confirm": state == "checked"
            and not status.get("errors_total")
            and (status.get("counts") or {}).get("rows"),
            "more_errors": status.get("errors_total", 0) - len(status.get("errors") or []),
            "more_rows": max(
                0, (status.get("counts") or {}).get("rows", 0) - len(status.get("preview") or [])
            ),
        },
    )


@require_POST
def import_confirm(request: HttpRequest, batch_id) -> HttpResponse:
    """Write a checked import without errors (all rows or none)."""
    access.import_for_user(request.user, batch_id)
    if not imports.import_confirm(batch_id=batch_id, user=request.user):
        messages.error(request, _("This import cannot be confirmed (again)."))
    return redirect("beneficiaries:import_detail", batch_id=batch_id)


@require_http_methods(["GET", "HEAD"])
def import_review(request: HttpRequest, batch_id) -> HttpResponse:
    """A manager's review of a monitor's import: what waits for approval in
    their scope, by project and activity type, and one button to approve it."""
    batch = access.import_review_for_user(request.user, batch_id)
    return _review_page(request, batch, batch_id)


def _review_page(request, batch, batch_id, *, reason: str = "", reason_error: str = ""):
    return render(
        request,
        "beneficiaries/import_review.html",
        {
            "batch": batch,
            "batch_id": batch_id,
            "reason": reason,
            "reason_error": reason_error,
            **selectors.import_review_summary(request.user, batch_id),
        },
        status=400 if reason_error else 200,
    )


@require_POST
def import_approve(request: HttpRequest, batch_id) -> HttpResponse:
    """Approve every record of the import waiting in the manager's scope."""
    batch = access.import_review_for_user(request.user, batch_id)
    approved = imports.import_approve(
        batch_id=batch_id,
        user=request.user,
        reason=_("Approved with the import of %(file)s") % {"file": batch.get("filename", "")},
    )
    messages.success(
        request,
        ngettext(
            "%(count)s imported record approved: it now counts in the indicators.",
            "%(count)s imported records approved: they now count in the indicators.",
            approved,
        )
        % {"count": approved},
    )
    return redirect("beneficiaries:visit_list")


@require_POST
def import_return(request: HttpRequest, batch_id) -> HttpResponse:
    """Return every record of the import waiting in the manager's scope to
    its monitor, with a reason (the page comes back with a message when the
    reason is missing)."""
    batch = access.import_review_for_user(request.user, batch_id)
    reason = request.POST.get("reason", "")
    try:
        returned = imports.import_return(batch_id=batch_id, user=request.user, reason=reason)
    except ValidationError as error:
        return _review_page(
            request, batch, batch_id, reason=reason, reason_error=" ".join(error.messages)
        )
    messages.success(
        request,
        ngettext(
            "%(count)s imported record returned to its monitor with your reason.",
            "%(count)s imported records returned to their monitor with your reason.",
            returned,
        )
        % {"count": returned},
    )
    return redirect("beneficiaries:visit_list")
