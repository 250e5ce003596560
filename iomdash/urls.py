from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from beneficiaries.views import media
from dashboards.views import home
from iomdash import accounts
from iomdash.health import healthz
from programmes.views_language import language_choose

admin.site.site_header = _("iomdash administration")
admin.site.site_title = _("iomdash")
admin.site.index_title = _("Reference data, records and users")

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    # Login, and password reset only where email is configured; the rest is Django's own.
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path(
        "accounts/password_reset/",
        accounts.password_reset_step(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        accounts.password_reset_step(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        accounts.password_reset_step(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        accounts.password_reset_step(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("visits/", include("beneficiaries.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("notifications/", include("dashboards.urls_notifications")),
    path("snapshots/", include("snapshots.urls")),
    path("exports/", include("exports.urls")),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/", language_choose, name="language_choose"),
    # Visit photos, checked against the user's scope (never a static file server).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media, name="media"),
]
