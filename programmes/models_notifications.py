"""What a user is told (notifications) and what they chose not to be told
(preferences). Kept beside ``programmes.models`` (which imports them) so that
every layer's services can write them: a notification is written by the
service that makes the change it tells of, in the same transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    VISIT_RETURNED = "visit_returned", _("A visit of mine is returned")
    REVIEW_DIGEST = "review_digest", _("Visits wait for my review (daily digest)")
    SNAPSHOT_PUBLISHED = "snapshot_published", _("A snapshot my organisation funds is published")


class Notification(models.Model):
    """One thing one user is told. Its text is made when shown, in the
    reader's language, from ``kind`` and ``params``; ``url`` is where it
    leads. At most one notification of a user has a given non-empty
    ``dedupe_key`` (the daily digest uses the day)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    dedupe_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), db_default=Now())
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_one_per_dedupe_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} #{self.pk}"


class NotificationPreference(models.Model):
    """A user's choice for one kind of notification: in the product at all
    (``in_app``), and by email too (``by_email``). No row: both on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind)
    in_app = models.BooleanField(_("tell me"), default=True)
    by_email = models.BooleanField(_("by email too"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notificationpreference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}"
