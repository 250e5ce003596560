"""Whole pages kept with their header (``programmes.kept_pages``): a page asked
again renders no template, yet its header is always the asking user's (name,
menu, unread count, language, digits) with a CSRF token of its own, and no
one is given another scope's figures."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.middleware.csrf import _unmask_cipher_token
from django.urls import reverse

from programmes.models import Notification, NotificationKind
from programmes.preferences import DIGITS_COOKIE_NAME
from tests.factories import user_with_role
from tests.indicators.dashboards.helpers import (
    AS_OF_Q2,
    MAX_QUERIES_CACHED,
    MISSION,
    governorate_url,
    login,
    programme_url,
)

pytestmark = pytest.mark.django_db

PAGES = [MISSION, governorate_url("IQG13"), programme_url("CRP")]


def kept(response) -> bool:
    """Served whole from the cache: no template was rendered."""
    return response.status_code == 200 and response.templates == []


def tokens(response) -> list[str]:
    html = response.content.decode()
    marker = 'name="csrfmiddlewaretoken" value="'
    found, start = [], html.find(marker)
    while start != -1:
        start += len(marker)
        found.append(html[start : html.index('"', start)])
        start = html.find(marker, start)
    return found


def without_tokens(response) -> str:
    html = response.content.decode()
    for token in tokens(response):
        html = html.replace(token, "")
    return html


@pytest.mark.parametrize("url", PAGES, ids=str)
def test_a_page_asked_again_is_the_same_page_with_no_template(
    client, portfolio, django_assert_max_num_queries, url
):
    login(client, user_with_role("manager", programmes=[portfolio["crp"]]))
    first = client.get(url, AS_OF_Q2)
    assert not kept(first)
    with django_assert_max_num_queries(MAX_QUERIES_CACHED):
        again = client.get(url, AS_OF_Q2)
    assert kept(again)
    assert without_tokens(again) == without_tokens(first)
    assert "\x00" not in again.content.decode()


def test_the_kept_page_has_a_csrf_token_of_its_own_that_posts(portfolio):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    login(client, user_with_role("manager", programmes=[portfolio["crp"]]))
    client.get(MISSION, AS_OF_Q2)
    first = client.get(MISSION, AS_OF_Q2)
    again = client.get(MISSION, AS_OF_Q2)
    assert kept(first) and kept(again)
    (token, *others), (token_again, *_) = tokens(first), tokens(again)
    assert set(others) <= {token}  # the header's two forms share the response's token
    assert token != token_again  # masked anew for each response (BREACH)
    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    assert _unmask_cipher_token(token_again) == secret
    # The language switcher's form posts with it.
    answer = client.post(
        reverse("language_choose"),
        {"csrfmiddlewaretoken": token_again, "language": "en", "next": MISSION},
    )
    assert answer.status_code == 302


def test_another_user_of_the_same_scope_sees_their_own_header(client, portfolio):
    anna = user_with_role("manager", username="anna", programmes=[portfolio["crp"]])
    omar = user_with_role("manager", username="omar", programmes=[portfolio["crp"]])
    assert "anna" in login(client, anna).get(MISSION, AS_OF_Q2).content.decode()
    assert kept(client.get(MISSION, AS_OF_Q2))
    as_omar = login(client, omar).get(MISSION, AS_OF_Q2)
    assert "<span>omar</span>" in as_omar.content.decode()
    assert "<span>anna</span>" not in as_omar.content.decode()


def test_another_scope_never_gets_the_kept_page(client, portfolio):
    crp = user_with_role("manager", username="crp", programmes=[portfolio["crp"]])
    login(client, crp).get(MISSION, AS_OF_Q2)
    assert kept(client.get(MISSION, AS_OF_Q2))
    # The same user given another programme: their scope's figures, not the kept ones.
    crp.profile.programmes.set([portfolio["rrp"]])
    as_rrp = client.get(MISSION, AS_OF_Q2)
    assert not kept(as_rrp)
    assert 'data-programme="RRP"' in as_rrp.content.decode()
    assert 'data-programme="CRP"' not in as_rrp.content.decode()


def test_a_new_notification_shows_in_the_header_at_once(client, portfolio):
    user = user_with_role("manager", programmes=[portfolio["crp"]])
    login(client, user).get(MISSION, AS_OF_Q2)
    assert 'class="badge"' not in client.get(MISSION, AS_OF_Q2).content.decode()
    Notification.objects.create(user=user, kind=NotificationKind.choices[0][0], params={})
    after = client.get(MISSION, AS_OF_Q2)
    assert '<span class="badge"' in after.content.decode()


def test_staff_rights_show_in_the_menu_at_once(client, portfolio):
    user = user_with_role("manager", programmes=[portfolio["crp"]])
    login(client, user).get(MISSION, AS_OF_Q2)
    admin_link = f'href="{reverse("admin:index")}"'
    assert admin_link not in client.get(MISSION, AS_OF_Q2).content.decode()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert admin_link in client.get(MISSION, AS_OF_Q2).content.decode()


def test_the_language_and_the_digits_are_the_requests(client, portfolio):
    login(client, user_with_role("manager", programmes=[portfolio["crp"]]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    client.get(MISSION, AS_OF_Q2)
    western = client.get(MISSION, AS_OF_Q2)
    assert kept(western) and '<html lang="ar" dir="rtl">' in western.content.decode()
    assert '<option value="latn" selected>' in western.content.decode()
    client.cookies[DIGITS_COOKIE_NAME] = "arab"
    eastern = client.get(MISSION, AS_OF_Q2)
    assert '<option value="arab" selected>' in eastern.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(MISSION, AS_OF_Q2)
    assert '<html lang="en" dir="ltr">' in english.content.decode()


def test_a_page_with_a_message_to_show_is_rendered(client, portfolio, rf):
    login(client, user_with_role("manager", programmes=[portfolio["crp"]]))
    client.get(MISSION, AS_OF_Q2)
    assert kept(client.get(MISSION, AS_OF_Q2))
    # A message left for the next page (as after a form's success).
    storage = CookieStorage(rf.get("/"))
    client.cookies[storage.cookie_name] = storage._encode([Message(constants.SUCCESS, "Saved.")])
    shown = client.get(MISSION, AS_OF_Q2)
    assert not kept(shown) and "Saved." in shown.content.decode()
    # Shown once: the next page is the kept one again.
    assert kept(client.get(MISSION, AS_OF_Q2))


def test_the_visit_list_is_kept_per_user(client):
    reviewer = user_with_role("admin", username="rana")
    other = user_with_role("admin", username="sami")
    visits = reverse("beneficiaries:visit_list")
    login(client, reviewer).get(visits)
    again = client.get(visits)
    assert kept(again) and "<span>rana</span>" in again.content.decode()
    as_other = login(client, other).get(visits)
    assert "<span>sami</span>" in as_other.content.decode()
    assert "<span>rana</span>" not in as_other.content.decode()
