"""The managers' daily digest: how many visits wait for their review."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from beneficiaries.access import visits_for_user
from beneficiaries.models import ReviewStatus
from programmes.models import NotificationKind, UserProfile
from programmes.notifications import notify


def review_digest_send(*, day: dt.date | None = None) -> int:
    """Tell each active manager with visits waiting for their review
    (submitted, in their scope) how many there are, once per ``day`` (today
    by default): a second run the same day tells nobody again. Returns how
    many managers were told now."""
    day = day or timezone.localdate()
    managers = (
        get_user_model()
        .objects.filter(is_active=True, profile__role=UserProfile.Role.MANAGER)
        .select_related("profile")
    )
    told = 0
    for manager in managers:
        count = visits_for_user(manager).filter(status=ReviewStatus.SUBMITTED).count()
        if not count:
            continue
        told += len(
            notify(
                users=[manager],
                kind=NotificationKind.REVIEW_DIGEST,
                params={"count": count, "day": day.isoformat()},
                url=reverse("beneficiaries:visit_list"),
                dedupe_key=f"review-digest:{day.isoformat()}",
            )
        )
    return told
