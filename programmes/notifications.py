"""Notifications: what a user is told, in the product and by email.

- ``notify(users=..., kind=..., params=..., url=..., dedupe_key="")``: inside
  the caller's transaction, tell each of ``users`` who has not turned
  ``kind`` off; queue an email through the outbox for those who want one,
  where email is configured (``settings.EMAIL_CONFIGURED``) and they have an
  address. With ``dedupe_key``, a user already told with that key is not told
  again (the daily digest uses the day).
- ``notification_text(notification)``: its sentence, in the active language.
- ``notification_email_send(notification_id=...)``: the outbox task's body.
- ``unread_count(user)`` (read with the request's user by
  ``programmes.backends``: no query of its own), ``notification_mark_read(...)``,
  ``notification_preferences(user)``, ``notification_preferences_set(...)``.

Services of every layer call ``notify`` in the transaction of the change they
tell of, so a rolled-back change tells nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Notification, NotificationKind, NotificationPreference
from programmes.outbox import outbox_enqueue

EMAIL_TASK = "programmes.notification_email"


def _day(value: str) -> str:
    try:
        return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return value or ""


def notification_text(notification: Notification) -> str:
    """The sentence that tells the user what happened, in the active language."""
    p = notification.params or {}
    if notification.kind == NotificationKind.VISIT_RETURNED:
        return _("Your visit to %(project)s on %(date)s was returned: %(reason)s") % {
            "project": p.get("project", ""),
            "date": _day(p.get("visit_date", "")),
            "reason": p.get("reason", ""),
        }
    if notification.kind == NotificationKind.REVIEW_DIGEST:
        count = int(p.get("count", 0))
        return ngettext(
            "%(count)s visit waits for your review.",
            "%(count)s visits wait for your review.",
            count,
        ) % {"count": count}
    if notification.kind == NotificationKind.SNAPSHOT_PUBLISHED:
        return _("The snapshot “%(title)s” is published.") % {"title": p.get("title", "")}
    return notification.get_kind_display()


def _choices(user_ids: Iterable[int], kind: str) -> dict[int, NotificationPreference]:
    rows = NotificationPreference.objects.filter(user_id__in=list(user_ids), kind=kind)
    return {row.user_id: row for row in rows}


@transaction.atomic
def notify(
    *,
    users: Iterable[Any],
    kind: str,
    params: Mapping[str, Any],
    url: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell each of ``users`` (distinct) who has not turned ``kind`` off, and
    queue its email where wanted and possible. Returns the notifications
    written (none for a user already told with the same ``dedupe_key``)."""
    users = {user.pk: user for user in users if user is not None and user.pk}
    _unread_forget(users.values())
    choices = _choices(users, kind)
    wanted = [user for pk, user in users.items() if pk not in choices or choices[pk].in_app]
    if not wanted:
        return []
    rows = [
        Notification(user=user, kind=kind, params=dict(params), url=url, dedupe_key=dedupe_key)
        for user in wanted
    ]
    if dedupe_key:
        # One savepoint each: a user told meanwhile by another run is skipped.
        created = []
        for row in rows:
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                continue
            created.append(row)
    else:
        created = Notification.objects.bulk_create(rows)
    if getattr(settings, "EMAIL_CONFIGURED", False):
        for row in created:
            choice = choices.get(row.user_id)
            if users[row.user_id].email and (choice is None or choice.by_email):
                outbox_enqueue(kind=EMAIL_TASK, payload={"notification_id": row.pk})
    return created


def notification_email_send(*, notification_id: int) -> bool:
    """Email the notification to its user, once: True if it was sent now,
    False if it was sent before, is gone, or its user has no address."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id, emailed_at=None)
            .first()
        )
        if row is None or not row.user.email:
            return False
        text = notification_text(row)
        link = settings.SITE_URL + row.url if row.url else ""
        send_mail(
            subject=_("iomdash: %(text)s") % {"text": text[:120]},
            message="\n\n".join(part for part in (text, link) if part),
            from_email=None,
            recipient_list=[row.user.email],
        )
        row.emailed_at = timezone.now()
        row.save(update_fields=["emailed_at"])
    return True


# Where a request's user carries their unread count, read with them.
_UNREAD = "_iomdash_unread_notifications"


def unread_count_preload(user, count: int) -> None:
    """Give ``user`` the unread count read with them at the start of the
    request (``programmes.backends``), so that the header costs no query."""
    setattr(user, _UNREAD, count)


def _unread_forget(users: Iterable[Any]) -> None:
    """Drop the count ``users`` (these objects: a request's user) carry: a
    notification of theirs was written or read during the request."""
    for user in users:
        if user is not None:
            user.__dict__.pop(_UNREAD, None)


def unread_count(user) -> int:
    """How many notifications ``user`` has not read, 0 for anonymous: what
    was read with the user (``unread_count_preload``) unless it changed since,
    otherwise one query. A notification written or read before this request
    started is counted (or not) at once."""
    if not user.is_authenticated:
        return 0
    found = getattr(user, _UNREAD, None)
    if found is not None:
        return found
    return Notification.objects.filter(user=user, read_at=None).count()


@transaction.atomic
def notification_mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark ``notification`` (which must be ``user``'s), or all of ``user``'s,
    read; returns how many were unread."""
    _unread_forget([user])
    rows = Notification.objects.filter(user=user, read_at=None)
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    return rows.update(read_at=timezone.now())


def notification_preferences(user) -> dict[str, tuple[bool, bool]]:
    """For each kind, (in_app, by_email) as ``user`` chose; (True, True) unchosen."""
    chosen = {row.kind: (row.in_app, row.by_email) for row in user.notification_preferences.all()}
    return {kind: chosen.get(kind, (True, True)) for kind in NotificationKind.values}


@transaction.atomic
def notification_preferences_set(*, user, choices: Mapping[str, tuple[bool, bool]]) -> None:
    """Keep ``user``'s choices, kind by kind: (in_app, by_email). An email is
    sent only for what is told in the product."""
    for kind, (in_app, by_email) in choices.items():
        if kind not in NotificationKind.values:
            raise ValueError(kind)
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "by_email": in_app and by_email}
        )
