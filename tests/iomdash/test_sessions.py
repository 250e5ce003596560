"""Sessions are Django's database sessions, read by one plain statement
(``iomdash.sessions``): the same rows, signatures and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils import timezone

from iomdash.sessions import SessionStore
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_the_site_uses_them():
    assert settings.SESSION_ENGINE == "iomdash.sessions"


def test_a_session_is_read_without_building_an_orm_query(monkeypatch):
    written = SessionStore()
    written["answer"] = 42
    written.save()

    def no_orm(*args, **kwargs):
        raise AssertionError("an ORM query was compiled")

    monkeypatch.setattr(SQLCompiler, "as_sql", no_orm)
    read = SessionStore(written.session_key)
    assert read["answer"] == 42 and read.session_key == written.session_key


def test_sessions_written_by_djangos_engine_stay_valid():
    old = db.SessionStore()
    old["answer"] = 42
    old.save()
    assert SessionStore(old.session_key)["answer"] == 42


def test_an_expired_or_unknown_session_is_empty():
    written = SessionStore()
    written["answer"] = 42
    written.save()
    Session.objects.filter(pk=written.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(written.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("x" * 32).load() == {}


def test_after_logout_the_old_cookie_opens_nothing(client):
    monitor = user_with_role("monitor")
    client.force_login(monitor)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("notifications:list")).status_code == 200
    client.post(reverse("logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
