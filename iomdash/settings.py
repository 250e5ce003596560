"""Settings, read from the environment.

Every value a deployment changes comes from an environment variable and is
checked here, so that a typo stops the process at start-up with a message that
names the variable, instead of failing later on a page. Defaults are the safe
production ones (``DEBUG`` off, secure cookies); ``make run`` asks for
``DEBUG=true`` explicitly.

With ``DEBUG`` on, a missing ``DATABASE_URL`` or ``REDIS_URL`` starts an
embedded PostgreSQL or Redis (see ``iomdash.embedded``, a development tool that
the production image does not even install). With ``DEBUG`` off, either one
missing stops start-up: production never keeps its data in a server that lives
inside the container. The test settings start the embedded servers themselves
and pass their URLs. There is no SQLite anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from iomdash import release
from iomdash.env import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-iomdash-development-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for development."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif len(SECRET_KEY) < 50 and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY is too short: use at least 50 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set: give the host names this site answers to, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The site's public address, printed in published snapshot PDFs with their
# verification page (a PDF is read far from any request).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").strip().rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, got {SITE_URL!r}.")

INSTALLED_APPS = [
    # Before the admin, which it extends (the translated fields' admin, see below).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "axes",
    "simple_history",
    "csp",
    "programmes",
    "beneficiaries",
    "indicators",
    "snapshots",
    "dashboards",
    "exports",
    "api",
    "demo",
]

MIDDLEWARE = [
    # First, so that it compresses what every other one wrote. BREACH: the
    # CSRF token in a page is masked anew for each response, and Django's
    # GZipMiddleware pads each response with random bytes (since 4.2), so a
    # secret cannot be read from compressed sizes.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "iomdash.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "programmes.middleware.DigitsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "iomdash.csp.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # The dashboard pages read from a replica when DATABASE_REPLICA_URL is set.
    "iomdash.middleware.ReplicaReadsMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user's profile, scope and unread
    # notifications with the user: one query a page instead of four.
    "programmes.backends.ProfileBackend",
]

ROOT_URLCONF = "iomdash.urls"
WSGI_APPLICATION = "iomdash.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboards.context_processors.notifications",
            ],
        },
    },
]

# --- Database and broker -----------------------------------------------------

import dj_database_url  # noqa: E402


def _required_in_production(name: str, example: str) -> None:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} is not set. With DEBUG off it is required ({name}={example}); "
            "the embedded server is for development only (DEBUG=true, as `make run` sets)."
        )


DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if not DATABASE_URL:
    _required_in_production("DATABASE_URL", "postgres://user:password@host:5432/iomdash")
    from iomdash import embedded

    DATABASE_URL = embedded.postgres_url()
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        f"DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:port/name), "
        f"got {DATABASE_URL.split(':', 1)[0]!r}. iomdash runs on PostgreSQL only."
    )
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except Exception as exc:  # the parser raises several types
    raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from None
if not DATABASES["default"].get("NAME"):
    raise ImproperlyConfigured("DATABASE_URL has no database name (…/name at the end).")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("IOMDASH_TEST_DB") or None}
# A streaming replica the dashboard pages read from (iomdash/db_router.py,
# docs/scaling.md); without it, everything reads the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    if not DATABASE_REPLICA_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must be a PostgreSQL URL, as DATABASE_URL."
        )
    try:
        DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    except Exception as exc:  # the parser raises several types
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL cannot be parsed: {exc}") from None
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["iomdash.db_router.ReplicaRouter"]

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if not REDIS_URL:
    _required_in_production("REDIS_URL", "redis://host:6379/0")
    from iomdash import embedded

    REDIS_URL = embedded.redis_url()
if not REDIS_URL.startswith(("redis://", "rediss://", "redis+socket://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must be a Redis URL (redis://host:port/db), got {REDIS_URL!r}."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_cache_url(url: str, db: int) -> str:
    """``url`` (the broker's Redis, as REDIS_URL gives it) with the database
    ``db``, in the form redis-py's connection pool reads (Kombu's
    ``redis+socket://`` is redis-py's ``unix://``)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.scheme in ("redis+socket", "unix"):
        return f"unix://{parts.path}?db={db}"
    return urlunsplit(parts._replace(path=f"/{db}"))


# The dashboards' computed figures (dashboards/cache.py), keyed by the data
# stamp, on the broker's Redis in a database of their own. A Redis that does
# not answer within the timeouts only means pages computed uncached. The
# default cache stays per process (what the API's throttles and the rest use).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "dashboards": {
        "BACKEND": "iomdash.cache.RedisCache",
        "LOCATION": redis_cache_url(REDIS_URL, env_int("DASHBOARD_CACHE_DB", 1)),
        # A release's pages are not another release's (iomdash/release.py).
        "KEY_PREFIX": f"iomdash:{release.fingerprint(BASE_DIR)}",
        "TIMEOUT": env_int("DASHBOARD_CACHE_SECONDS", 6 * 3600),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
}

# --- Celery --------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# Snapshot PDFs on a queue of their own when PDF_QUEUE names one (docker-compose.yml:
# the workers then take it with --queues celery,<name>); empty: the default queue.
PDF_QUEUE = os.environ.get("PDF_QUEUE", "").strip()
CELERY_TASK_ROUTES = {"snapshots.pdf_generate": {"queue": PDF_QUEUE}} if PDF_QUEUE else {}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task taken by a worker that then died (killed, machine lost) is given to
# another worker after the visibility timeout. It must outlast the longest
# hard time limit (a running task is never handed out twice), and no more:
# the job rows' leases (heartbeats) restart such work much sooner anyway.
TASK_MAX_TIME_LIMIT = env_int("TASK_MAX_TIME_LIMIT", 30 * 60)
# A job (recomputation, import step) whose worker stopped stamping its row
# for this long is taken again (programmes.leases).
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 60)
# /healthz answers 503 when background work has waited longer than this.
OUTBOX_STALE_AFTER_S = env_int("OUTBOX_STALE_AFTER_S", 120)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_MAX_TIME_LIMIT + 5 * 60,
    "socket_connect_timeout": 5,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(
    Path(os.environ.get("IOMDASH_DATA_DIR", BASE_DIR / ".data")) / "celerybeat-schedule"
)
CELERY_TIMEZONE = "Asia/Baghdad"

# --- Auth ----------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: after 5 failures for one user name, or from one address,
# further attempts are refused for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# --- Email ----------------------------------------------------------------------

# EMAIL_URL, or EMAIL_HOST and Django's other EMAIL_* variables (iomdash/mail_settings.py):
# sets EMAIL_BACKEND, EMAIL_HOST..., DEFAULT_FROM_EMAIL, and EMAIL_CONFIGURED, False when
# nothing can send mail (production without email), which hides the password-reset pages.
from iomdash.mail_settings import email_settings  # noqa: E402

globals().update(email_settings(os.environ, debug=DEBUG))

# --- Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic")), ("ckb", _("Kurdish (Sorani)"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first dates everywhere (iomdash/formats/en/formats.py).
FORMAT_MODULE_PATH = ["iomdash.formats"]
# Names people enter and donors read (programmes, projects, sectors, activity types,
# survey questions, indicator definitions) in each language: django-modeltranslation
# gives each registered field one column per language (``name_en``, ``name_ar``,
# ``name_ckb``; see each app's ``translation.py``) and reads the active language's,
# English where that one is blank. Created without a language's value (a factory, an
# import, a service called in Arabic), a name is the English one too, so that the
# fallback never shows an empty name.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
MODELTRANSLATION_AUTO_POPULATE = "required"
# A field of one language is labelled "name (Arabic)", in the reader's language.
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = lambda verbose_name, code: format_lazy(  # noqa: E731
    "{} ({})", verbose_name, dict(LANGUAGES)[code]
)
TIME_ZONE = "Asia/Baghdad"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))
# Uploaded beneficiary lists hold personal data: kept apart from MEDIA_ROOT,
# which a web server may serve, and read only by the import pages.
IMPORT_ROOT = Path(os.environ.get("IMPORT_ROOT", BASE_DIR / ".data" / "imports"))

# --- Security (production defaults; relaxed only with DEBUG) ---------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
# Django's database sessions, read by one plain statement (iomdash/sessions.py).
SESSION_ENGINE = "iomdash.sessions"
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from this site, no inline
# script or handler (page data goes through json_script or data- attributes,
# code through static/js/), no plugins, never framed. Service workers and the
# web manifest of the offline visit pages come from this site too. Styles allow
# 'unsafe-inline' only because Plotly.js writes <style> elements and style
# attributes as it draws (tests/browser/test_every_page.py saw no other inline style);
# our own templates have none.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp_constants.SELF],
        "script-src": [csp_constants.SELF],
        "style-src": [csp_constants.SELF, csp_constants.UNSAFE_INLINE],
        "img-src": [csp_constants.SELF, "data:"],
        "font-src": [csp_constants.SELF, "data:"],
        "connect-src": [csp_constants.SELF],
        "worker-src": [csp_constants.SELF],
        "manifest-src": [csp_constants.SELF],
        "object-src": [csp_constants.NONE],
        "base-uri": [csp_constants.SELF],
        "form-action": [csp_constants.SELF],
        "frame-ancestors": [csp_constants.NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True

# The API (iomdash/api): tokens for scripts (first, so that a call without
# credentials gets 401 with a WWW-Authenticate header), the session for the
# browser; JSON bodies only, capped at DATA_UPLOAD_MAX_MEMORY_SIZE; every list
# paginated, filtered and ordered; a rule broken anywhere is a 400 by field.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's, with the user read as a page's (programmes.backends).
        "api.authentication.ProfileTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.plumbing.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.plumbing.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.plumbing.exception_handler",
    "URL_FORMAT_OVERRIDE": "format",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "iomdash API",
    "DESCRIPTION": (
        "Programmes, donors, contributions, projects, monitoring visits, assistance, "
        "feedback and indicator values of the mission, with the same permissions as "
        "the web pages: anything outside your scope is 404. Authenticate with "
        "`Authorization: Token <key>` (POST /api/v1/auth/token/) or a session. "
        "Lists are paginated (`page`, `page_size` up to 500), filtered and ordered "
        "(`ordering`); most also come as CSV with `?format=csv` (UTF-8 with a BOM, "
        "a second header row of HXL hashtags, formula-safe cells)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReviewStatusEnum": "beneficiaries.models.ReviewStatus",
        "ProjectStatusEnum": "programmes.models.Project.Status",
        "ProjectKindEnum": "programmes.models.Project.Kind",
        "DonorKindEnum": "programmes.models.Donor.Kind",
        "SexEnum": "beneficiaries.models.Sex",
        "AgeGroupEnum": "beneficiaries.models.AgeGroup",
        "PopulationGroupEnum": "beneficiaries.models.PopulationGroup",
        "PeriodTypeEnum": "indicators.models.IndicatorValue.PeriodType",
        "SnapshotBlockKindEnum": "snapshots.models.SnapshotBlock.Kind",
        "CadenceEnum": "snapshots.cadence.Cadence",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.csv_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pgserver": {"level": "WARNING"},
        # The snapshot PDF tools log every layout step and browser start at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "choreographer": {"level": "WARNING"},
        "kaleido": {"level": "WARNING"},
    },
}

from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    # Background work saved while the broker was down (programmes.outbox).
    # A tick nobody took within its interval is dropped: the next one does it.
    "outbox-dispatch": {
        "task": "programmes.outbox_dispatch",
        "schedule": env_int("OUTBOX_DISPATCH_EVERY_S", 5),
        "options": {"expires": env_int("OUTBOX_DISPATCH_EVERY_S", 5)},
    },
    # The dashboards' data stamp gains a row per writing transaction; an
    # hourly compaction keeps reading it one cheap query.
    "data-stamp-compact": {
        "task": "indicators.data_stamp_compact",
        "schedule": 3600,
        "options": {"expires": 3600},
    },
    "nightly-full-recompute": {
        "task": "indicators.nightly_full_recompute",
        "schedule": crontab(hour=2, minute=0),
    },
    # Uploaded import files left unconfirmed for a day are deleted (personal data),
    # and import steps queued while the broker was down are sent again.
    # Jobs whose worker died (expired lease) are queued again.
    "reclaim-recompute-jobs": {
        "task": "indicators.recompute_reclaim",
        "schedule": env_int("RECLAIM_EVERY_S", 20),
        "options": {"expires": env_int("RECLAIM_EVERY_S", 20)},
    },
    "reclaim-imports": {
        "task": "beneficiaries.import_reclaim",
        "schedule": env_int("RECLAIM_EVERY_S", 20),
        "options": {"expires": env_int("RECLAIM_EVERY_S", 20)},
    },
    "import-cleanup": {
        "task": "beneficiaries.import_cleanup",
        "schedule": crontab(minute="*/10"),
    },
    # Managers are told each morning how many visits wait for their review
    # (once per day: a second run tells nobody again).
    "review-digest": {
        "task": "beneficiaries.review_digest",
        "schedule": crontab(hour=7, minute=0),
    },
}
