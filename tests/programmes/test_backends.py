"""The request's user is read with what every page reads of them: their
profile, scope and unread notifications, in one query, and none of it
outlives the request it was read for."""

from __future__ import annotations

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse

from programmes.access import programmes_for_user, scope_key, user_role
from programmes.backends import ProfileBackend
from programmes.models import NotificationKind
from programmes.notifications import notification_mark_read, notify, unread_count
from tests.factories import DonorFactory, ProgrammeFactory, UserFactory, governorate, user_with_role

pytestmark = pytest.mark.django_db


def tell(user):
    notify(users=[user], kind=NotificationKind.VISIT_RETURNED, params={"reason": "Redo"})


def test_one_query_gives_the_role_scope_and_unread_count(django_assert_num_queries):
    crp, kirkuk = ProgrammeFactory(code="CRP"), governorate("IQG13")
    manager = user_with_role("manager", programmes=[crp], governorates=[kirkuk])
    tell(manager)
    tell(manager)
    with django_assert_num_queries(1):
        user = ProfileBackend().get_user(manager.pk)
        assert user_role(user) == "manager"
        assert scope_key(user) == f"manager:p:{crp.pk}:g:{kirkuk.pk}"
        assert unread_count(user) == 2
    assert list(programmes_for_user(user)) == [crp]


def test_a_user_without_a_profile_or_notifications(django_assert_num_queries):
    plain = UserFactory()
    with django_assert_num_queries(1):
        user = ProfileBackend().get_user(plain.pk)
        assert user_role(user) is None and scope_key(user) == "none"
        assert unread_count(user) == 0


def test_an_inactive_or_missing_user_is_nobody():
    inactive = UserFactory(is_active=False)
    assert ProfileBackend().get_user(inactive.pk) is None
    assert ProfileBackend().get_user(inactive.pk + 1000) is None


def test_a_notification_read_or_written_during_the_request_is_counted_at_once():
    monitor = user_with_role("monitor")
    tell(monitor)
    user = ProfileBackend().get_user(monitor.pk)
    assert unread_count(user) == 1
    notification_mark_read(user=user)
    assert unread_count(user) == 0
    tell(user)
    assert unread_count(user) == 1


def test_the_next_request_sees_a_changed_scope():
    crp, rrp = ProgrammeFactory(code="CRP"), ProgrammeFactory(code="RRP")
    manager = user_with_role("manager", programmes=[crp])
    before = ProfileBackend().get_user(manager.pk)
    manager.profile.programmes.add(rrp)
    after = ProfileBackend().get_user(manager.pk)
    assert scope_key(before) != scope_key(after)
    assert set(programmes_for_user(after)) == {crp, rrp}


def test_the_user_is_read_without_building_an_orm_query(monkeypatch):
    """The statement is written once per process: a request does not build
    and compile a query with two array subqueries (about 8 ms each time)."""
    crp = ProgrammeFactory(code="CRP")
    manager = user_with_role("manager", programmes=[crp])
    ProfileBackend().get_user(manager.pk)  # the statement written

    def no_orm(*args, **kwargs):
        raise AssertionError("an ORM query was compiled")

    monkeypatch.setattr(SQLCompiler, "as_sql", no_orm)
    user = ProfileBackend().get_user(manager.pk)
    assert user.username == manager.username and user.profile.role == "manager"
    assert user.profile.user is user
    assert scope_key(user) == f"manager:p:{crp.pk}:g:"


def test_a_donor_and_a_user_without_a_profile_read_as_the_orm_does(django_assert_num_queries):
    donor = DonorFactory()
    reader = user_with_role("donor", donor=donor)
    plain = UserFactory()
    with django_assert_num_queries(2):
        user = ProfileBackend().get_user(reader.pk)
        assert scope_key(user) == f"donor:{donor.pk}"
        assert user.profile.donor_id == donor.pk
        assert user.password == reader.password and user.get_username() == reader.username
        nobody = ProfileBackend().get_user(plain.pk)
        assert not hasattr(nobody, "profile")


def test_a_deactivated_user_is_logged_out_at_once(client):
    monitor = user_with_role("monitor")
    client.force_login(monitor)
    assert client.get(reverse("notifications:list")).status_code == 200
    monitor.is_active = False
    monitor.save(update_fields=["is_active"])
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_new_password_ends_the_sessions_opened_with_the_old_one(client):
    monitor = user_with_role("monitor")
    client.force_login(monitor)
    assert client.get(reverse("notifications:list")).status_code == 200
    monitor.set_password("another long passphrase 42")
    monitor.save(update_fields=["password"])
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_page_shows_the_scope_and_unread_count_as_they_are_now(client):
    crp, rrp = ProgrammeFactory(code="CRP"), ProgrammeFactory(code="RRP")
    manager = user_with_role("manager", programmes=[crp])
    client.force_login(manager)
    client.get(reverse("notifications:list"))
    manager.profile.programmes.add(rrp)
    tell(manager)
    response = client.get(reverse("notifications:list"))
    assert scope_key(response.wsgi_request.user) == f"manager:p:{crp.pk},{rrp.pk}:g:"
    assert unread_count(response.wsgi_request.user) == 1


@pytest.mark.django_db(transaction=True)
def test_the_user_statement_is_prepared_once_per_connection():
    """PostgreSQL plans the user's statement once per connection; a new
    connection prepares it again, and the user still comes whole."""
    from django.db import connection

    maria = user_with_role("manager", username="maria")

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    assert ProfileBackend().get_user(maria.pk) == maria
    assert prepared().count("iomdash_user") == 1
    assert ProfileBackend().get_user(maria.pk) == maria
    assert prepared().count("iomdash_user") == 1
    connection.close()
    assert "iomdash_user" not in prepared()
    assert ProfileBackend().get_user(maria.pk) == maria
    assert prepared().count("iomdash_user") == 1
