from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The pages people read: the home page and the mission, governorate and
    programme dashboards. A consumer: it asks the selectors of the apps below
    for its data, and no app below imports it."""

    name = "dashboards"
    verbose_name = _("Dashboards")
