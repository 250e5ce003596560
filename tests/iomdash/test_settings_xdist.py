"""Under pytest-xdist, each test process has Redis databases of its own for the
Celery broker and the dashboards' cache: a Celery worker started by one
process never takes another's tasks, one process emptying the cache before
a test never empties another's, and their uploads and import files (named
after ids, which two test databases share) go to folders of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
READ = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps([settings.CELERY_BROKER_URL, settings.CACHES['dashboards']['LOCATION'],"
    " str(settings.MEDIA_ROOT), str(settings.IMPORT_ROOT)]))"
)


def redis_urls(worker: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOMDASH_TEST_")}
    env.pop("PYTEST_XDIST_WORKER", None)
    if worker:
        env["PYTEST_XDIST_WORKER"] = worker
    env["DJANGO_SETTINGS_MODULE"] = "iomdash.settings_test"
    out = subprocess.run(
        [sys.executable, "-c", READ], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_each_xdist_worker_has_its_own_broker_and_cache_databases_and_files():
    alone, gw0, gw1 = redis_urls(None), redis_urls("gw0"), redis_urls("gw1")
    assert gw0 == alone  # the first worker keeps the databases of a run without xdist
    assert alone[0].endswith("15") and alone[1].endswith("14")
    assert gw1[0].endswith("13") and gw1[1].endswith("12")
    assert len({*gw0, *gw1}) == 8
