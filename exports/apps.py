from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """CSV and XLSX downloads of figures and records, with HXL rows: a consumer
    of the lower layers, which import nothing of it."""

    name = "exports"
    verbose_name = _("Exports")
