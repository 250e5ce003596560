"""The API's browsable documentation: Swagger UI from our own static files
(``static/vendor/swagger-ui/``), never from a CDN. The split view serves its
start-up script as a file of its own (``?script``), since the
Content-Security-Policy forbids inline script."""

from __future__ import annotations

from django.templatetags.static import static
from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    url_name = "api-schema"

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"vendor/swagger-ui/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static("vendor/swagger-ui/favicon-32x32.png")
