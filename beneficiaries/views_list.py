"""The visit list: a monitor's own visits, or those a manager reviews, kept
under the data stamp (``programmes.stamp_cache``) as rendered.

Every visit is read through ``beneficiaries.selectors``, in the user's scope."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from beneficiaries import access, selectors
from beneficiaries.forms import VisitFilterForm
from beneficiaries.models import ReviewStatus
from programmes.access import user_role
from programmes.kept_pages import page_found, page_key, page_render, page_response
from programmes.l10n import digits_active
from programmes.models import UserProfile
from programmes.stamp_cache import kept_under_stamp, stamp_key

PAGE_SIZE = 25
Role = UserProfile.Role


# --- Lists ------------------------------------------------------------------------


# The query parameters the visit list reads. A list asked with others, one
# of them twice, or with a value it does not show as given (a filter it
# ignores, a page past the last) is rendered each time and never kept, so
# that made-up links cannot fill Redis.
LIST_PARAMETERS = frozenset({"governorate", "programme", "status", "page"})


@require_http_methods(["GET", "HEAD"])
def visit_list(request: HttpRequest) -> HttpResponse:
    """A monitor's own visits, or the visits a manager or administrator
    reviews (those waiting for review unless another status is chosen),
    filtered by governorate, programme and status, with counts by status.

    The page's content (the imports waiting, the tabs, the filters, the rows
    and the pager) is rendered once until the data stamp moves, per user,
    language, digits and query: everything it shows moves the stamp (the
    visits, their places, projects and people's names, indicators 0010 and
    0014; the imported records, 0015). The header is rendered each time."""
    user = request.user
    role = user_role(user)
    if role not in (Role.MONITOR, Role.MANAGER, Role.ADMIN):
        raise Http404
    reviewer = role != Role.MONITOR
    parameters = request.GET
    whole = None
    if set(parameters) <= LIST_PARAMETERS and all(
        len(parameters.getlist(name)) == 1 for name in parameters
    ):
        parts = [
            translation.get_language(),
            digits_active(),
            *(f"{name}={parameters[name]}" for name in sorted(parameters)),
        ]
        key = stamp_key("visit-list", user, parts)
        # The whole page as this user saw it since the stamp last moved
        # (programmes.kept_pages): no rows, no template.
        whole = page_key(request, key)
        found = page_found(whole)
        if found is not None:
            return page_response(request, found)
        content, as_asked = kept_under_stamp(
            "visit-list",
            user,
            parts,
            lambda: _visit_list_content(request, role=role),
            keep_if=lambda found: found[1],
            key=key,
        )
    else:
        content, as_asked = _visit_list_content(request, role=role)
    return page_render(
        request,
        "beneficiaries/visit_list.html",
        {"reviewer": reviewer, "content": content},
        key=whole if as_asked else None,
    )


def _visit_list_content(request: HttpRequest, *, role: str) -> tuple[str, bool]:
    """The visit list's content as ``request`` asks for it, and whether it
    shows every parameter of the query as given (only then is it kept)."""
    user = request.user
    reviewer = role != Role.MONITOR
    default_status = ReviewStatus.SUBMITTED if reviewer else ""
    data = request.GET.copy()
    data.setdefault("status", default_status)
    form = VisitFilterForm(data, choices=selectors.visit_filter_choices(user))
    valid = form.is_valid()
    filters = form.cleaned_data if valid else {}
    governorate, programme = filters.get("governorate"), filters.get("programme")
    status = filters.get("status", "")
    counts = selectors.visit_counts(user=user, governorate=governorate, programme=programme)
    paginator = Paginator(
        selectors.visit_list(
            user=user, governorate=governorate, programme=programme, status=status
        ),
        PAGE_SIZE,
    )
    paginator.count = counts[status or "all"]  # the list's size, counted with the others
    page = paginator.get_page(request.GET.get("page"))
    rows = (
        render_to_string(
            "beneficiaries/_visit_rows.html",
            {"visits": page.object_list, "reviewer": reviewer},
            request=request,
        )
        if page.paginator.count
        else ""
    )
    tabs = [("", _("All"), counts["all"])] + [
        (value, label, counts[value])
        for value, label in ReviewStatus.choices
        if not (reviewer and value == ReviewStatus.DRAFT and role == Role.MANAGER)
    ]
    content = render_to_string(
        "beneficiaries/_visit_list_content.html",
        {
            "reviewer": reviewer,
            "form": form,
            "page": page,
            "rows": rows,
            "tabs": tabs,
            "status": status,
            "filtered": bool(governorate or programme or status != default_status),
            "can_create": access.visit_can_create(user),
            "imports_to_review": selectors.imports_to_review(user) if reviewer else [],
        },
        request=request,
    )
    shown = {
        "governorate": str(governorate.pk) if governorate else "",
        "programme": str(programme.pk) if programme else "",
        "status": status,
        "page": str(page.number),
    }
    as_asked = valid and all(request.GET[name] == shown.get(name) for name in request.GET)
    return content, as_asked
