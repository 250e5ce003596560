"""The REST API: ``/api/v1/`` (Django REST framework), its OpenAPI 3 schema
at ``/api/schema/`` and Swagger UI at ``/api/docs/``.

The site's LoginRequiredMiddleware would send an unauthenticated API call to
the login page; every API view is marked ``login_not_required`` instead (DRF
marks its views so too; this keeps it explicit) and DRF answers 401 itself (token or session authentication, see settings). The
docs are a page for people and need a login like every other page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import DefaultRouter

from api.auth import TokenView
from api.beneficiaries import ROUTES as BENEFICIARY_ROUTES
from api.docs import SchemaView, SwaggerView
from api.funding import ROUTES as FUNDING_ROUTES
from api.indicators import ROUTES as INDICATOR_ROUTES
from api.programmes import ROUTES as PROGRAMME_ROUTES
from api.reference import ROUTES as REFERENCE_ROUTES
from api.snapshots import ROUTES as SNAPSHOT_ROUTES
from api.targets import ROUTES as TARGET_ROUTES


class Router(DefaultRouter):
    include_root_view = False


router = Router(trailing_slash=True)
for prefix, viewset, basename in [
    *PROGRAMME_ROUTES,
    *FUNDING_ROUTES,
    *REFERENCE_ROUTES,
    *BENEFICIARY_ROUTES,
    *INDICATOR_ROUTES,
    *SNAPSHOT_ROUTES,
    *TARGET_ROUTES,
]:
    router.register(prefix, viewset, basename=basename)


def _open(patterns: list) -> list:
    """Mark every view of ``patterns`` (recursively) as not needing the
    login page: the API authenticates by itself."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return patterns


v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *router.urls,
]

urlpatterns = [
    *_open(
        [
            path("v1/", include(v1)),
            # The schema holds no data; a client generator fetches it without a login.
            path("schema/", SchemaView.as_view(), name="api-schema"),
        ]
    ),
    # A page for people: like every other page, it sends an anonymous visitor
    # to the login page (the calls it makes then carry the session).
    path("docs/", login_required(SwaggerView.as_view()), name="api-docs"),
]
