"""The map of visits: where the monitors' phones were (given with their
consent), for staff in scope; never for donors."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from beneficiaries import selectors
from programmes.access import user_role
from programmes.models import UserProfile

Role = UserProfile.Role


@require_http_methods(["GET", "HEAD"])
def visit_map(request: HttpRequest) -> HttpResponse:
    """The located visits the user may see, on a map of the governorates,
    each marked inside its place or so many km outside it. 404 for a donor
    or a user without a staff role."""
    if user_role(request.user) not in (Role.MONITOR, Role.MANAGER, Role.ADMIN):
        raise Http404
    points = selectors.visit_map_points(request.user)
    data = {
        "points": points,
        "geojson_url": reverse("dashboards:governorates_geojson"),
        "topojson_url": static("vendor/plotly/topojson/"),
        "visit_url": reverse("beneficiaries:visit_detail", args=[0]),
    }
    return render(
        request,
        "beneficiaries/visit_map.html",
        {"map_data": data, "count": len(points)},
    )
