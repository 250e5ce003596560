"""The notifications pages: the header's unread count (read with the user:
no query of its own), the list,
opening one marks it read and leads to its page, nobody opens another's,
and the choices page turns a kind off."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards.context_processors import notifications
from programmes.models import Notification, NotificationKind, NotificationPreference
from programmes.notifications import notify
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

RETURNED = NotificationKind.VISIT_RETURNED


@pytest.fixture
def alice():
    return user_with_role("monitor", username="alice")


def tell(user, reason="Add a photo.", url="/visits/"):
    return notify(users=[user], kind=RETURNED, params={"reason": reason}, url=url)[0]


def test_the_header_counts_unread_and_the_list_shows_them(client, alice):
    tell(alice, reason="Add a photo.")
    tell(alice, reason="Say who you met.")
    tell(user_with_role("monitor", username="bob"), reason="Bob's own.")
    client.force_login(alice)
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert '<span class="badge"' in page.text and ">2</span>" in page.text
    assert "Add a photo." in page.text and "Say who you met." in page.text
    assert "Bob&#x27;s own." not in page.text and "Bob's own." not in page.text


def test_the_unread_count_costs_one_query(client, alice, django_assert_num_queries):
    tell(alice)
    client.force_login(alice)
    client.get("/notifications/")  # warm the session
    with django_assert_num_queries(0):
        request = type("R", (), {"user": alice})()
        counter = notifications(request)["unread_notifications"]
    with django_assert_num_queries(1):
        assert counter() == 1 and counter() == 1


def test_the_header_count_costs_no_query_and_changes_at_once(
    client, alice, django_assert_num_queries
):
    tell(alice)
    client.force_login(alice)
    mission = reverse("dashboards:mission")
    client.get(mission)  # the dashboard computed and cached
    # The session, the user (with their unread count) and the data stamp.
    with django_assert_num_queries(3):
        page = client.get(mission)
    assert ">1</span>" in page.text
    tell(alice)
    assert ">2</span>" in client.get(mission).text
    client.post("/notifications/read/")
    assert '<span class="badge"' not in client.get(mission).text


def test_opening_marks_read_and_leads_to_its_page(client, alice):
    notification = tell(alice, url="/visits/")
    client.force_login(alice)
    response = client.post(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/visits/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert '<span class="badge"' not in client.get("/notifications/").text


def test_nobody_opens_another_users_notification(client, alice):
    notification = tell(alice)
    client.force_login(user_with_role("monitor", username="bob"))
    assert client.post(f"/notifications/{notification.pk}/open/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client, alice):
    tell(alice), tell(alice)
    client.force_login(alice)
    client.post("/notifications/read/")
    assert not Notification.objects.filter(read_at=None).exists()


def test_the_choices_page_turns_a_kind_off(client, alice, settings):
    settings.EMAIL_CONFIGURED = True
    client.force_login(alice)
    page = client.get("/notifications/preferences/")
    assert "A visit of mine is returned" in page.text and "by email too" in page.text
    data = {f"{kind}-in_app": "on" for kind in NotificationKind.values}
    del data[f"{RETURNED}-in_app"]
    client.post("/notifications/preferences/", data)
    choice = NotificationPreference.objects.get(user=alice, kind=RETURNED)
    assert (choice.in_app, choice.by_email) == (False, False)
    assert tell_all(alice) == []


def tell_all(user):
    return notify(users=[user], kind=RETURNED, params={"reason": "x"})
