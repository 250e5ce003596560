from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from beneficiaries.views import media
from dashboards.views import home
from iomdash.health import healthz

admin.site.site_header = _("iomdash administration")
admin.site.site_title = _("iomdash")
admin.site.index_title = _("Reference data, records and users")

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("visits/", include("beneficiaries.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("snapshots/", include("snapshots.urls")),
    path("exports/", include("exports.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Visit photos, checked against the user's scope (never a static file server).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media"),
]
