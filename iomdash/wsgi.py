"""WSGI entry point for gunicorn."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomdash.settings")

# As django.core.wsgi.get_wsgi_application, with the handler that keeps what
# each address resolves to (iomdash/handler.py).
django.setup(set_prefix=False)

from iomdash import db_health  # noqa: E402
from iomdash.handler import WSGIHandler  # noqa: E402

application = WSGIHandler()

# A kept connection checked by a poll of its socket, not a SELECT 1 (iomdash/db_health.py).
db_health.install()
