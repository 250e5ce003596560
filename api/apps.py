from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API under ``/api/v1/``: a consumer of every app below it, going
    through their access helpers, selectors and services."""

    name = "api"
    verbose_name = _("REST API")
