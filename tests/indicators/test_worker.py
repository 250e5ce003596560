"""End to end on the real stack: an approval, committed, is recomputed by a
real Celery worker through real Redis, and the figure changes within seconds."""

import datetime as dt
import time

import pytest
from django.db import transaction

from indicators.engine import recompute_full
from indicators.services import assistance_scope, recompute_after_change
from tests.factories import ProjectFactory
from tests.indicators.conftest import define, record, value


@pytest.mark.worker
def test_an_approval_is_recomputed_by_the_worker(celery_worker_process):
    define("people-x", source="assistance", measure="people", apply_multiplier=True)
    project = ProjectFactory()
    record(project, on=dt.date(2018, 1, 5), households=10)
    pending = record(project, on=dt.date(2018, 2, 5), households=444, status="submitted")
    recompute_full()
    assert value("people-x") == 60

    with transaction.atomic():
        pending.status = "approved"
        pending.save()
        recompute_after_change(scopes=[assistance_scope([pending])])
        # Nothing is queued before the approval commits.
        assert value("people-x") == 60

    deadline = time.monotonic() + 30
    while value("people-x") != 60 + 2664 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert value("people-x") == 60 + 2664
    assert value("people-x", period_type="quarter") == 60 + 2664
