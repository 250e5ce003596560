"""End to end on the real stack: publishing commits, a real Celery worker
generates the PDF through real Redis, and the progress page follows it."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from snapshots import services
from snapshots.models import Snapshot
from tests.snapshots.conftest import Q1, recompute


@pytest.mark.worker
def test_publish_has_the_worker_make_the_pdf(celery_worker_process, world, users, client):
    world.deliver(on=dt.date(2018, 2, 1), households=10, units=10)
    recompute()
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    services.snapshot_publish(snapshot=draft, user=users.manager)

    client.force_login(users.manager)
    seen = []  # each state the progress page reported, in order, once
    progress = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = client.get(f"/snapshots/{draft.pk}/pdf/status/?format=json").json()
        if not seen or seen[-1] != state["status"]:
            seen.append(state["status"])
        progress.append(state["progress"])
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    snapshot = Snapshot.objects.get(pk=draft.pk)
    assert snapshot.pdf_status == "done", snapshot.pdf_error
    # The page followed the work: it showed it waiting or under way before it
    # was ready, moved only forwards, and the bar never went back.
    assert seen[0] in ("queued", "running"), seen
    assert seen[-1] == "done", seen
    order = ["queued", "running", "done"]
    assert set(seen) <= set(order) and seen == sorted(seen, key=order.index), seen
    assert progress == sorted(progress) and progress[-1] == 100, progress
    assert snapshot.pdf_attempts == 1
    response = client.get(f"/snapshots/{draft.pk}/pdf/download/")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
