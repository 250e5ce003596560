"""Notifications: a returned visit tells its monitor, with the reason; the
daily digest tells managers what waits for them, once a day; each user's
choices are respected; email goes out through the outbox where configured."""

from __future__ import annotations

import datetime as dt

import pytest

from beneficiaries import services
from beneficiaries.services.review_digest import review_digest_send
from programmes.models import Notification, NotificationKind, OutboxTask
from programmes.notifications import (
    notification_preferences_set,
    notification_text,
    notify,
    unread_count,
)
from tests.beneficiaries.test_services import DAY, draft, line
from tests.beneficiaries.test_services import world as world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

RETURNED = NotificationKind.VISIT_RETURNED
DIGEST = NotificationKind.REVIEW_DIGEST


def submitted(world, user="alice"):
    visit = draft(world, user=world[user])
    line(visit, world, user=world[user])
    return services.visit_submit(visit=visit, user=world[user])


def told(kind) -> list[str]:
    return sorted(n.user.username for n in Notification.objects.filter(kind=kind))


def test_a_returned_visit_tells_its_monitor_the_reason_and_no_one_else(world):
    visit = submitted(world)
    services.visit_return(visit=visit, user=world["maria"], reason="Add the shop's photo.")
    assert told(RETURNED) == ["alice"]
    notification = Notification.objects.get()
    text = notification_text(notification)
    assert "Add the shop's photo." in text and "KRK-01" in text
    assert notification.url == f"/visits/{visit.pk}/"
    assert unread_count(world["alice"]) == 1 and unread_count(world["maria"]) == 0


def test_a_monitor_who_turned_returns_off_is_not_told(world):
    notification_preferences_set(user=world["alice"], choices={RETURNED: (False, False)})
    services.visit_return(visit=submitted(world), user=world["maria"], reason="Redo it.")
    assert told(RETURNED) == []


def test_the_digest_tells_each_manager_of_their_own_waiting_visits_once_a_day(world):
    submitted(world)
    submitted(world, user="mona")
    assert review_digest_send(day=DAY) == 1
    assert review_digest_send(day=DAY) == 0  # a second run the same day tells nobody again
    # maria manages the Kirkuk project; mark (programme B) has nothing waiting.
    assert told(DIGEST) == ["maria"]
    assert notification_text(Notification.objects.get()) == "2 visits wait for your review."
    assert review_digest_send(day=DAY + dt.timedelta(days=1)) == 1
    assert Notification.objects.filter(kind=DIGEST).count() == 2


def test_a_manager_who_turned_the_digest_off_is_not_told(world):
    submitted(world)
    notification_preferences_set(user=world["maria"], choices={DIGEST: (False, True)})
    assert review_digest_send(day=DAY) == 0
    assert told(DIGEST) == []


def test_email_goes_through_the_outbox_where_configured_and_wanted(
    world, settings, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    settings.EMAIL_CONFIGURED = True
    alice, mona, oscar = world["alice"], world["mona"], world["oscar"]
    alice.email, mona.email = "alice@example.org", "mona@example.org"
    alice.save(), mona.save()
    notification_preferences_set(user=mona, choices={RETURNED: (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[alice, mona, oscar], kind=RETURNED, params={"reason": "Why"}, url="/x/")
    # oscar has no address, mona wants no email: only alice's is queued and sent.
    assert OutboxTask.objects.filter(kind="programmes.notification_email").count() == 1
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    assert "Why" in mailoutbox[0].body and mailoutbox[0].body.endswith("/x/")
    assert Notification.objects.get(user=alice).emailed_at is not None


def test_no_email_where_email_is_not_configured(world, settings):
    settings.EMAIL_CONFIGURED = False
    world["alice"].email = "alice@example.org"
    world["alice"].save()
    notify(users=[world["alice"]], kind=RETURNED, params={"reason": "Why"})
    assert unread_count(world["alice"]) == 1
    assert not OutboxTask.objects.filter(kind="programmes.notification_email").exists()


def test_beat_runs_the_digest_task_once_a_day(world, settings, eager_tasks):
    from beneficiaries.tasks import review_digest_task
    from iomdash.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["review-digest"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks and review_digest_task.name == entry["task"]
    submitted(world)
    review_digest_task.apply()
    review_digest_task.apply()
    assert told(DIGEST) == ["maria"]
