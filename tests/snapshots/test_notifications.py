"""Publishing a snapshot tells the donors who may read it, and no one else."""

from __future__ import annotations

import pytest

from programmes.models import Notification, NotificationKind
from programmes.notifications import notification_preferences_set, notification_text
from snapshots import services
from tests.snapshots.conftest import Q1

pytestmark = pytest.mark.django_db


def test_publishing_tells_the_funding_donor_only(world, users):
    # A donor who turned these off is not told either.
    notification_preferences_set(
        user=users.other_donor, choices={NotificationKind.SNAPSHOT_PUBLISHED: (False, False)}
    )
    draft = services.snapshot_create(
        programmes=[world.programme], period_end=Q1, user=users.manager
    )
    assert not Notification.objects.exists()  # a draft tells nobody
    snapshot = services.snapshot_publish(snapshot=draft, user=users.manager)
    notification = Notification.objects.get()
    assert notification.user == users.donor  # not japan, the manager, the monitor
    assert notification.url == f"/snapshots/{snapshot.pk}/"
    assert snapshot.title in notification_text(notification)
