"""The API's schema, generated once per process and language, and its
browsable documentation: Swagger UI from our own static files
(``static/vendor/swagger-ui/``), never from a CDN. The split view serves its
start-up script as a file of its own (``?script``), since the
Content-Security-Policy forbids inline script."""

from __future__ import annotations

from typing import ClassVar

from django.templatetags.static import static
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response


class SwaggerView(SpectacularSwaggerSplitView):
    url_name = "api-schema"

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"vendor/swagger-ui/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static("vendor/swagger-ui/favicon-32x32.png")


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, generated once per process and language: drf-spectacular
    takes seconds to walk every view, and what it finds cannot change while
    the process runs (every operation is shown to everyone, ``SERVE_PUBLIC``).
    The descriptions are translated, hence one per language."""

    _generated: ClassVar[dict[tuple, dict]] = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        if key not in self._generated:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            self._generated[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=self._generated[key],
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )
