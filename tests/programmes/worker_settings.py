"""The test settings, with ``worker_hooks`` loaded by the Celery worker."""

from iomdash.settings_test import *  # noqa: F403

CELERY_IMPORTS = ["tests.programmes.worker_hooks"]
