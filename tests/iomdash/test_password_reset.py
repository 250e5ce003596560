"""Password reset is offered only where the site can send email; elsewhere the
pages say to ask an administrator, and never that an email was sent."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "Basra-visit-2026-new-pass"


@pytest.fixture
def user(db):
    return UserFactory(username="hana", email="hana@example.org")


@pytest.fixture
def no_email(settings):
    settings.EMAIL_CONFIGURED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


@pytest.fixture
def with_email(settings):
    # pytest-django already sends mail to the in-memory outbox.
    settings.EMAIL_CONFIGURED = True


def test_without_email_the_login_page_offers_no_reset(client, db, no_email):
    page = client.get("/accounts/login/").content.decode()
    assert "Log in to iomdash" in page
    assert "/accounts/password_reset/" not in page
    assert "Forgotten your password?" not in page


@pytest.mark.parametrize(
    "path", ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/"]
)
def test_without_email_the_reset_pages_say_to_ask_an_administrator(client, db, no_email, path):
    response = client.get(path)
    assert response.status_code == 404
    text = response.content.decode()
    assert "Ask an administrator to set a new password for you." in text
    assert "emailed" not in text


def test_without_email_a_reset_request_sends_nothing_and_claims_nothing(client, user, no_email):
    response = client.post("/accounts/password_reset/", {"email": "hana@example.org"}, follow=True)
    assert response.status_code == 404
    assert "Ask an administrator" in response.content.decode()
    assert "emailed" not in response.content.decode()
    assert mail.outbox == []


def test_with_email_a_user_resets_the_password_from_the_link_mailed(client, user, with_email):
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in login

    response = client.post("/accounts/password_reset/", {"email": "hana@example.org"}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/password_reset/done/"
    assert "We’ve emailed you instructions" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hana@example.org"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form = client.get(link, follow=True)
    assert "New password:" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == "/accounts/reset/done/"
    assert "Your password has been set." in done.content.decode()

    old = client.post("/accounts/login/", {"username": "hana", "password": PASSWORD})
    assert old.status_code == 200 and "did not match" in old.content.decode()
    new = client.post("/accounts/login/", {"username": "hana", "password": NEW_PASSWORD})
    assert new.status_code == 302 and new["Location"] == "/"


def test_with_email_an_unknown_address_gets_the_same_answer_and_no_mail(client, db, with_email):
    response = client.post(
        "/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/accounts/password_reset/done/"
    assert mail.outbox == []
