"""The Celery application: configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iomdash.settings")

app = Celery("iomdash")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="iomdash.ping", ignore_result=True, time_limit=10, soft_time_limit=8)
def ping() -> str:
    """A task that does nothing: lets an operator check a worker takes work."""
    return "pong"
