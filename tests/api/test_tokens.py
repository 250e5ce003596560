"""API tokens: obtained with a user name and password, used by scripts,
revoked by their user or in the admin; failed attempts count towards the
same lockout as the login page."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def maria(db):
    return user_with_role("manager", username="maria")


def obtain(username: str, password: str):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_a_token_is_obtained_used_and_revoked(maria):
    response = obtain("maria", PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=maria).key == token
    # The same token until revoked.
    assert obtain("maria", PASSWORD).json()["token"] == token

    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert script.get("/api/v1/programmes/").status_code == 200
    assert script.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=maria).exists()
    response = script.get("/api/v1/programmes/")
    assert response.status_code == 401
    assert obtain("maria", PASSWORD).json()["token"] != token


def test_a_session_user_revokes_their_token(client, maria):
    Token.objects.create(user=maria)
    client.force_login(maria)
    assert client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=maria).exists()


def test_revoking_needs_a_signed_in_user():
    assert APIClient().delete(TOKEN_URL).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"username": "maria", "password": "wrong"},
        {"username": "nobody-at-all", "password": PASSWORD},
        {"username": "maria"},
        {"username": ["maria"], "password": PASSWORD},
        {},
    ],
)
def test_wrong_credentials_are_a_400(maria, body):
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_an_inactive_user_gets_no_token(maria):
    maria.is_active = False
    maria.save()
    assert obtain("maria", PASSWORD).status_code == 400


def test_too_many_failures_lock_the_user_out_even_with_the_right_password(maria, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert obtain("maria", "wrong").status_code == 400
    assert obtain("maria", "wrong").status_code == 429  # the last one allowed
    response = obtain("maria", PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "token" not in response.json()
    assert not Token.objects.filter(user=maria).exists()


def test_tokens_are_revoked_by_administrators_in_the_admin(client, maria):
    token = Token.objects.create(user=maria)
    admin = user_with_role("admin", username="root")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    index = client.get("/admin/").content.decode()
    assert "/admin/authtoken/tokenproxy/" in index
    response = client.post(
        f"/admin/authtoken/tokenproxy/{maria.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not Token.objects.filter(key=token.key).exists()


def test_a_token_s_user_comes_with_their_scope_in_one_plain_statement(
    maria, django_assert_num_queries, monkeypatch
):
    """As a page's user (``programmes.backends``): the token with the user,
    their profile, scope and unread count; no ORM query built."""
    from django.db.models.sql.compiler import SQLCompiler

    from api.authentication import ProfileTokenAuthentication
    from programmes.access import scope_key

    token = Token.objects.create(user=maria)
    ProfileTokenAuthentication().authenticate_credentials(token.key)  # statements written

    def no_orm(*args, **kwargs):
        raise AssertionError("an ORM query was compiled")

    monkeypatch.setattr(SQLCompiler, "as_sql", no_orm)
    with django_assert_num_queries(1):
        user, auth = ProfileTokenAuthentication().authenticate_credentials(token.key)
        assert (user, auth) == (maria, token) and auth.user_id == maria.pk
        assert auth.created == token.created
        assert user.profile.role == "manager" and scope_key(user) == "manager:p::g:"


def test_a_wrong_token_or_an_inactive_user_s_token_opens_nothing(maria):
    token = Token.objects.create(user=maria)
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token.key}x")
    assert script.get("/api/v1/programmes/").status_code == 401
    script.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert script.get("/api/v1/programmes/").status_code == 200
    maria.is_active = False
    maria.save(update_fields=["is_active"])
    assert script.get("/api/v1/programmes/").status_code == 401
