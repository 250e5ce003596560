"""WSGI entry point for gunicorn."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomdash.settings")

# As django.core.wsgi.get_wsgi_application, with the handler that keeps what
# each address resolves to (iomdash/handler.py).
django.setup(set_prefix=False)

from iomdash.handler import WSGIHandler  # noqa: E402

application = WSGIHandler()
