"""Every task can be sent: Celery refuses ``apply_async`` when a task's soft
time limit (its own, or the project's default) is over its hard limit, so a
task with a short ``time_limit`` and no ``soft_time_limit`` of its own could
never be queued (beat's outbox dispatch failed that way under `make run`)."""

from __future__ import annotations

import pytest
from django.conf import settings

from iomdash.celery import app

app.loader.import_default_modules()
TASKS = sorted(name for name in app.tasks if not name.startswith("celery."))


def test_the_project_tasks_are_registered():
    assert {"programmes.outbox_dispatch", "iomdash.ping", "snapshots.pdf_generate"} <= set(TASKS)


@pytest.mark.parametrize("name", TASKS)
def test_soft_limit_not_over_the_hard_limit(name):
    task = app.tasks[name]
    soft, hard = task.soft_time_limit, task.time_limit
    assert not (soft and hard and soft > hard), f"{name}: soft {soft} s > hard {hard} s"


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_beat_entries_can_be_sent(entry, monkeypatch):
    """What beat does for each entry, up to the broker: ``apply_async`` with
    the entry's options runs Celery's own checks, then publishing (replaced)."""
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]
    task = app.tasks[schedule["task"]]
    sent = []
    monkeypatch.setattr(app, "send_task", lambda *args, **kwargs: sent.append(args))
    task.apply_async(
        schedule.get("args", ()), schedule.get("kwargs", {}), **schedule.get("options", {})
    )
    assert sent and sent[0][0] == schedule["task"]
