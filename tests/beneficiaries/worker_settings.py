"""The test settings, with ``worker_hooks`` loaded by the Celery worker and
the uploads where the test puts them."""

import os
from pathlib import Path

from iomdash.settings_test import *  # noqa: F403

CELERY_IMPORTS = ["tests.beneficiaries.worker_hooks"]
IMPORT_ROOT = Path(os.environ.get("IMPORT_ROOT", IMPORT_ROOT))  # noqa: F405
