"""Choosing a language: the header's switcher on every page, the browser's
language by default, the choice kept on the user and brought back at login,
the address unchanged, and digits as the user chose."""

import pytest
from django.conf import settings
from django.urls import reverse

from programmes.models import UserProfile
from programmes.preferences import DIGITS_COOKIE_NAME
from tests.factories import governorate, user_with_role

pytestmark = pytest.mark.django_db

SWITCH = "/language/"


@pytest.fixture
def monitor():
    return user_with_role("monitor", username="alice", governorates=[governorate("IQG13")])


def test_the_login_page_follows_the_browser_and_offers_the_switcher(client):
    page = client.get(reverse("login"), headers={"accept-language": "ar"})
    html = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'action="/language/"' in html
    # Each language is offered under its own name.
    assert 'lang="ar" selected>العربيّة</option>' in html
    assert 'lang="ckb">کوردی</option>' in html
    assert 'lang="en">English</option>' in html


def test_an_anonymous_choice_lasts_on_this_device_and_keeps_the_address(client):
    answer = client.post(SWITCH, {"language": "ckb", "next": "/accounts/login/?next=/visits/"})
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/login/?next=/visits/"
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ckb"
    page = client.get("/accounts/login/", headers={"accept-language": "en"})
    assert '<html lang="ckb" dir="rtl">' in page.content.decode()


def test_the_choice_is_kept_on_the_user_and_comes_back_at_login(client, monitor):
    client.force_login(monitor)
    client.post(SWITCH, {"language": "ar", "digits": "arab", "next": "/"})
    profile = UserProfile.objects.get(user=monitor)
    assert (profile.language, profile.digits) == ("ar", "arab")
    assert profile.history.first().history_change_reason == "preferences"

    # Another phone: no cookie, an English browser; logging in brings Arabic back.
    other = client.__class__()
    monitor.set_password("pw-for-the-test-1")
    monitor.save()
    answer = other.post(reverse("login"), {"username": "alice", "password": "pw-for-the-test-1"})
    assert answer.status_code == 302
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert answer.cookies[DIGITS_COOKIE_NAME].value == "arab"
    home = other.get("/", headers={"accept-language": "en"})
    assert '<html lang="ar" dir="rtl">' in home.content.decode()


def test_a_user_who_never_chose_keeps_the_browser_language(client, monitor):
    monitor.set_password("pw-for-the-test-1")
    monitor.save()
    answer = client.post(reverse("login"), {"username": "alice", "password": "pw-for-the-test-1"})
    assert settings.LANGUAGE_COOKIE_NAME not in answer.cookies
    home = client.get("/", headers={"accept-language": "ar"})
    assert '<html lang="ar" dir="rtl">' in home.content.decode()


@pytest.mark.parametrize(
    ("language", "word"), [("en", "Menu"), ("ar", "القائمة"), ("ckb", "مێنوو")]
)
def test_the_phone_menu_button_says_menu_in_each_language(client, monitor, language, word):
    client.force_login(monitor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/").content.decode()
    assert f'aria-controls="site-menu">{word}</button>' in html


def test_numbers_on_pages_follow_the_chosen_digits(client, monitor):
    client.force_login(monitor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    client.cookies[DIGITS_COOKIE_NAME] = "arab"
    html = client.get("/").content.decode()
    assert 'class="figure">٠</span>' in html
    client.cookies[DIGITS_COOKIE_NAME] = "latn"
    html = client.get("/").content.decode()
    assert 'class="figure">0</span>' in html


@pytest.mark.parametrize(
    "data",
    [
        {"language": "fr", "next": "/"},
        {"language": "ar", "digits": "roman", "next": "/"},
    ],
)
def test_a_language_or_digits_not_offered_change_nothing(client, monitor, data):
    client.force_login(monitor)
    answer = client.post(SWITCH, data)
    assert answer.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in answer.cookies
    assert UserProfile.objects.get(user=monitor).language == ""


def test_the_switcher_never_sends_anyone_to_another_site(client):
    answer = client.post(SWITCH, {"language": "ar", "next": "https://evil.example/"})
    assert answer["Location"] == "/"


def test_the_switcher_takes_only_posts(client):
    assert client.get(SWITCH).status_code == 405
