"""The outbox: background work written as rows in the transaction of the
change that needs it (``programmes.outbox``). Kept beside ``programmes.models``,
which imports it so that it stays registered with this app."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A piece of background work, written in the same transaction as the
    change that asks for it: a Celery task name and its keyword arguments.
    ``programmes.outbox`` sends pending rows to the broker after commit, or
    from beat every few seconds while the broker is away; a row is sent once.
    At most one pending row has a given non-empty ``dedupe_key``."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the broker")
        SENT = "sent", _("Sent")

    kind = models.CharField(_("task"), max_length=100)
    payload = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(db_default=Now())
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state="pending") & ~Q(dedupe_key=""),
                name="outboxtask_one_pending_per_dedupe_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(state="pending"), name="outboxtask_pending"
            ),
            models.Index(fields=["sent_at"], name="outboxtask_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"
