"""A programme's projects and contributions: a list each, reached from the
programme page, and a form to enter or edit one. Everyone who sees the
programme reads the lists (in their scope); administrators and the
programme's managers write (``programmes.access``), through
``programmes.services``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dashboards.forms import ContributionForm, ProjectForm
from programmes import services
from programmes.access import (
    contributions_for_user,
    contributions_writable_by,
    may_write_funding_to,
    programmes_for_user,
    projects_for_user,
    projects_writable_by,
)


def _programme(request: HttpRequest, code: str, *, write: bool = False):
    """The programme ``code`` as ``request.user`` sees it: 404 when they do not
    (whether or not it exists); 403 when ``write`` and they may not write
    its projects and contributions."""
    programme = programmes_for_user(request.user).filter(code=code).first()
    if programme is None:
        raise Http404(_("There is no programme with this code that you can see."))
    if write and not may_write_funding_to(request.user, programme=programme):
        raise PermissionDenied(_("Only an administrator or a manager of this programme can."))
    return programme


def _save(request, form, save) -> bool:
    """Run ``save(fields)`` for a valid ``form``; the service's refusals go
    back on the form by field. Whether it saved."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for name, found in by_field.items():
            form.add_error(name if name in form.fields else None, found)
        return False
    return True


@require_GET
def project_list(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's projects the user sees, with a link to each form they
    may use."""
    programme = _programme(request, code)
    projects = (
        projects_for_user(request.user)
        .filter(programme=programme)
        .select_related("governorate", "district", "sector", "donor")
        .defer("governorate__boundary", "district__boundary")
        .order_by("code")
    )
    writable = set(
        projects_writable_by(request.user).filter(programme=programme).values_list("pk", flat=True)
    )
    return render(
        request,
        "dashboards/project_list.html",
        {
            "programme": programme,
            "projects": projects,
            "writable": writable,
            "can_create": may_write_funding_to(request.user, programme=programme),
        },
    )


@require_http_methods(["GET", "POST"])
def project_form(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """A new project of the programme, or one of its projects changed."""
    programme = _programme(request, code, write=True)
    project = None
    if pk is not None:
        project = projects_writable_by(request.user).filter(programme=programme, pk=pk).first()
        if project is None:
            raise Http404(_("There is no such project of this programme that you can change."))
    form = ProjectForm(request.POST or None, instance=project)
    form.instance.programme = programme

    def save(fields):
        if project is None:
            services.project_create(user=request.user, fields={**fields, "programme": programme})
        else:
            # the coverage is left out of ``fields`` when the one place changed
            changed = {name: fields[name] for name in form.changed_data if name in fields}
            services.project_update(project=project, user=request.user, fields=changed)

    if request.method == "POST" and _save(request, form, save):
        messages.success(request, _("The project is saved."))
        return redirect("dashboards:project_list", code=programme.code)
    return render(
        request,
        "dashboards/funding_form.html",
        {"programme": programme, "form": form, "kind": "project", "editing": project},
    )


@require_GET
def contribution_list(request: HttpRequest, code: str) -> HttpResponse:
    """The contributions to the programme the user sees, each as given and in
    US$."""
    programme = _programme(request, code)
    contributions = (
        contributions_for_user(request.user)
        .filter(programme=programme)
        .select_related("donor")
        .order_by("-date", "-pk")
    )
    writable = set(
        contributions_writable_by(request.user)
        .filter(programme=programme)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "dashboards/contribution_list.html",
        {
            "programme": programme,
            "contributions": contributions,
            "writable": writable,
            "can_create": may_write_funding_to(request.user, programme=programme),
        },
    )


@require_http_methods(["GET", "POST"])
def contribution_form(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """A new contribution to the programme, or one of its contributions changed
    (priced in US$ at the rate of its date by the service)."""
    programme = _programme(request, code, write=True)
    contribution = None
    if pk is not None:
        contribution = (
            contributions_writable_by(request.user).filter(programme=programme, pk=pk).first()
        )
        if contribution is None:
            raise Http404(_("There is no such contribution to this programme you can change."))
    form = ContributionForm(request.POST or None, instance=contribution)
    form.instance.programme = programme

    def save(fields):
        if contribution is None:
            services.contribution_create(
                user=request.user, fields={**fields, "programme": programme}
            )
        else:
            # the coverage is left out of ``fields`` when the one place changed
            changed = {name: fields[name] for name in form.changed_data if name in fields}
            services.contribution_update(
                contribution=contribution, user=request.user, fields=changed
            )

    if request.method == "POST" and _save(request, form, save):
        messages.success(request, _("The contribution is saved."))
        return redirect("dashboards:contribution_list", code=programme.code)
    return render(
        request,
        "dashboards/funding_form.html",
        {"programme": programme, "form": form, "kind": "contribution", "editing": contribution},
    )
