"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomdash.settings")

application = get_wsgi_application()

# A kept connection checked by a poll of its socket, not a SELECT 1 (iomdash/db_health.py).
from iomdash import db_health  # noqa: E402

db_health.install()
