from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and benchmark data: the ``demo_data`` command and ``make bench``.
    The top of the layers: it builds records through every app, and no app
    imports it."""

    name = "demo"
    verbose_name = _("Demo and benchmark data")
