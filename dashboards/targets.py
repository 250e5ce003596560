"""The targets page of a programme: its targets with their progress, a form
to set one (a manager in scope or an administrator), and a CSV import.

Reads go through ``indicators.access`` (``targets_for_user``) and
``programmes.access``; writes through ``indicators.target_services``, which
checks the writer's scope again and keeps the history.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from indicators import target_services
from indicators.access import target_for_user
from indicators.models import TARGET_SPLITS, IndicatorDefinition
from indicators.periods import period_parse
from indicators.selectors import programme_targets_queryset, target_progress
from programmes.access import programmes_for_user, projects_for_user, user_role
from programmes.l10n import LocalDecimalField
from programmes.places import DISTRICT, GOVERNORATE, place_level, place_resolve

MAX_UPLOAD = 2 * 1024 * 1024
PAGE_SIZE = 50  # targets a page shows: their progress is computed for the page only


class TargetForm(forms.Form):
    definition = forms.ModelChoiceField(
        queryset=IndicatorDefinition.objects.filter(is_active=True),
        label=gettext_lazy("Indicator"),
        to_field_name="code",
    )
    project = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=gettext_lazy("Project"),
        help_text=gettext_lazy("Empty: the whole programme."),
        to_field_name="code",
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=10,
        help_text=gettext_lazy(
            "A year (2018), half-year (2018-H1), quarter (2018-Q2) or month (2018-04)."
        ),
    )
    place = forms.CharField(
        label=gettext_lazy("Governorate or district"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("A name or P-code; empty: everywhere."),
    )
    split = forms.ChoiceField(
        label=gettext_lazy("Split"),
        required=False,
        choices=[("", gettext_lazy("Everyone")), *[(key, key) for key in TARGET_SPLITS]],
    )
    value = LocalDecimalField(
        label=gettext_lazy("Target"), min_value=0, max_digits=20, decimal_places=2
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args, programme, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["project"].queryset = projects_for_user(user).filter(programme=programme)

    def clean_period(self) -> tuple[dt.date, dt.date]:
        try:
            return period_parse(self.cleaned_data["period"])
        except ValueError:
            raise ValidationError(
                _("Write the period as 2018, 2018-H1, 2018-Q2 or 2018-04.")
            ) from None

    def clean_place(self):
        name = self.cleaned_data["place"].strip()
        return place_resolve(name, levels=(GOVERNORATE, DISTRICT)) if name else None

    def target_fields(self) -> dict:
        data = self.cleaned_data
        project = data["project"]
        fields = {
            "definition": data["definition"],
            "programme": None if project else self.programme,
            "project": project,
            "period_start": data["period"][0],
            "period_end": data["period"][1],
            "split": data["split"],
            "value": data["value"],
            "note": data["note"],
        }
        if data["place"] is not None:
            fields[place_level(data["place"])] = data["place"]
        return fields


def _programme(request: HttpRequest, code: str):
    programme = programmes_for_user(request.user).filter(code=code).first()
    if programme is None:
        raise Http404(_("There is no programme with this code that you can see."))
    return programme


def _may_write(user) -> bool:
    return user_role(user) in ("manager", "admin")


@require_http_methods(["GET", "POST"])
def targets_page(request: HttpRequest, code: str) -> HttpResponse:
    """A programme's targets with their progress today (or ``?as_of=``), and
    for a manager or an administrator the form that sets one."""
    programme = _programme(request, code)
    form = None
    if _may_write(request.user):
        form = TargetForm(request.POST or None, programme=programme, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                target_services.target_set(user=request.user, fields=form.target_fields())
            except PermissionDenied as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Target saved."))
                return redirect(reverse("dashboards:targets", args=[programme.code]))
    try:
        as_of = dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        as_of = timezone.localdate()
    page = Paginator(
        programme_targets_queryset(user=request.user, programme=programme), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    progress = target_progress(page.object_list, as_of=as_of)
    return render(
        request,
        "dashboards/targets.html",
        {
            "programme": programme,
            "progress": progress,
            "page": page,
            "form": form,
            "as_of": as_of,
            "may_write": form is not None,
        },  # fmt: skip
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def target_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Delete a target the user may write (404 otherwise)."""
    programme = _programme(request, code)
    target = target_for_user(request.user, pk, write=True)
    target_services.target_delete(target=target, user=request.user)
    messages.success(request, _("Target deleted."))
    return redirect(reverse("dashboards:targets", args=[programme.code]))


@require_POST
def targets_import(request: HttpRequest, code: str) -> HttpResponse:
    """Set the targets of an uploaded CSV: all rows or, with a bad row, none
    (each bad row is named)."""
    programme = _programme(request, code)
    if not _may_write(request.user):
        raise Http404
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_UPLOAD:
        messages.error(request, _("Choose a CSV file of at most 2 MB."))
    else:
        result = target_services.target_import_csv(user=request.user, content=upload.read())
        if result.errors:
            for number, message in result.errors[:20]:
                messages.error(
                    request, _("Row %(row)s: %(error)s") % {"row": number, "error": message}
                )
            messages.error(request, _("Nothing was imported: correct these rows and try again."))
        else:
            messages.success(request, _("%(count)s targets set.") % {"count": result.written})
    return redirect(reverse("dashboards:targets", args=[programme.code]))
