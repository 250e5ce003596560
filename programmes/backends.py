"""How a request's user is loaded: with what every page reads of them, in
one query instead of four.

Every page asks who the user is (the session's user id), their role and
scope (``programmes.access``: the profile, its programmes and governorates)
and, in the header, how many notifications they have not read. ``ProfileBackend``
(``settings.AUTHENTICATION_BACKENDS``) reads them together: the user with
their profile, the ids of the profile's programmes and governorates, and
the unread count, all as of the start of the request. What changes them
during the request drops what was read (``programmes.notifications``).

The statement is written once per process from the models' tables and
columns (``_statement``), not built through the ORM: building and compiling
a query with two array subqueries cost more than running it, on every
request. PostgreSQL then plans it once per connection, not once a request
(``execute_prepared``: its planning took twice its execution). Nothing of the user is kept between requests: a new password (the
session's hash), a deactivation or a new scope counts from the next request."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router
from psycopg2 import sql

from programmes.access import profile_scope_preload
from programmes.models import Notification, UserProfile
from programmes.notifications import unread_count_preload


def _columns(model) -> list:
    return list(model._meta.concrete_fields)


_STATEMENT: str | None = None


def _statement(raw_connection) -> str:
    """The user (by id) with their profile (or NULLs), the ids of its
    programmes and governorates, and their unread count: one row or none.
    Written from the models once per process (``raw_connection``, a
    psycopg2 connection, quotes the names; the text is the same on all)."""
    global _STATEMENT
    if _STATEMENT is None:
        _STATEMENT = user_statement_compose().as_string(raw_connection)
    return _STATEMENT


_NOTHING = sql.SQL("")


def user_statement_compose(
    *,
    columns: sql.Composable = _NOTHING,
    joined: sql.Composable = _NOTHING,
    where: sql.Composable | None = None,
) -> sql.Composed:
    """The user's statement: by id (``%s``), or, for another way in (an API
    token, ``api.authentication``), with ``columns`` after the user's (``,
    t.x ...``), a ``joined`` table and its own ``where``."""
    user_model = get_user_model()

    def table(model) -> sql.Identifier:
        return sql.Identifier(model._meta.db_table)

    def selected(alias: str, model) -> sql.Composed:
        return sql.SQL(", ").join(sql.Identifier(alias, field.column) for field in _columns(model))

    programmes = UserProfile.programmes.through
    governorates = UserProfile.governorates.through
    profile_user = UserProfile._meta.get_field("user").column

    def ids_of(link, name: str) -> sql.Composed:
        field = link._meta.get_field(name)
        owner = link._meta.get_field("userprofile").column
        return sql.SQL("ARRAY(SELECT {column} FROM {table} WHERE {owner} = p.{pk})").format(
            column=sql.Identifier(field.column),
            table=table(link),
            owner=sql.Identifier(owner),
            pk=sql.Identifier(UserProfile._meta.pk.column),
        )

    return sql.SQL(
        "SELECT {user}, {profile}, {programmes}, {governorates}, "
        "(SELECT count(*) FROM {notifications} n "
        "WHERE n.{recipient} = u.{user_pk} AND n.{read_at} IS NULL){columns} "
        "FROM {users} u LEFT JOIN {profiles} p ON p.{profile_user} = u.{user_pk}{joined} "
        "WHERE {where}"
    ).format(
        columns=columns,
        joined=joined,
        where=where or sql.SQL("u.{} = %s").format(sql.Identifier(user_model._meta.pk.column)),
        user=selected("u", user_model),
        profile=selected("p", UserProfile),
        programmes=ids_of(programmes, "programme"),
        governorates=ids_of(governorates, "governorate"),
        notifications=table(Notification),
        recipient=sql.Identifier(Notification._meta.get_field("user").column),
        read_at=sql.Identifier(Notification._meta.get_field("read_at").column),
        users=table(user_model),
        profiles=table(UserProfile),
        profile_user=sql.Identifier(profile_user),
        user_pk=sql.Identifier(user_model._meta.pk.column),
    )


def execute_prepared(cursor, name: str, statement: str, params: list) -> None:
    """Run ``statement`` (one ``%s`` parameter) on ``cursor`` (Django's) as
    the prepared statement ``name`` of its connection, prepared on first use.

    Planning the user's statement (a join, two array subqueries and a count)
    cost about 0.38 ms of the server's CPU on each request against 0.15 ms
    for running it (EXPLAIN ANALYZE, the 1M benchmark database); prepared,
    PostgreSQL plans it once per connection. A prepared statement lives
    as long as its connection, whatever its transactions do; a new
    connection prepares it again. The PREPARE is sent on the driver's cursor,
    once per connection, so that it is not counted among a request's
    queries. (Behind a pooler that shares server connections between
    clients by transaction, prepared statements would need its support.)"""
    raw = cursor.cursor.connection
    wrapper = cursor.db
    state = getattr(wrapper, "_iomdash_prepared", None)
    if state is None or state[0] is not raw:
        state = wrapper._iomdash_prepared = (raw, set())
    if name not in state[1]:
        assert statement.count("%s") == 1 and "%%" not in statement, statement
        cursor.cursor.execute(
            sql.SQL("PREPARE {} AS ").format(sql.Identifier(name)).as_string(raw)
            + statement.replace("%s", "$1")
        )
        state[1].add(name)
    cursor.execute(f"EXECUTE {name} (%s)", params)


class ProfileBackend(ModelBackend):
    """Django's own backend (passwords, permissions), whose ``get_user`` reads
    the user's profile, scope and unread count in the same query."""

    def get_user(self, user_id):
        user_model = get_user_model()
        user_id = user_model._meta.pk.to_python(user_id)
        alias = router.db_for_read(user_model)
        connection = connections[alias]
        with connection.cursor() as cursor:
            execute_prepared(
                cursor, "iomdash_user", _statement(cursor.cursor.connection), [user_id]
            )
            row = cursor.fetchone()
        if row is None:
            return None
        return self.user_from_row(alias, row)

    def user_from_row(self, alias: str, row):
        """The user of a row of ``user_statement_compose`` (the columns it adds
        after its own are left), or None if they may not sign in."""
        user_model = get_user_model()
        user_fields = _columns(user_model)
        profile_fields = _columns(UserProfile)
        users = len(user_fields)
        profiles = users + len(profile_fields)
        user = user_model.from_db(alias, [f.attname for f in user_fields], row[:users])
        if not self.user_can_authenticate(user):
            return None
        profile = None
        if row[users] is not None:  # the profile's id: it has one
            profile = UserProfile.from_db(
                alias, [f.attname for f in profile_fields], row[users:profiles]
            )
            UserProfile._meta.get_field("user").set_cached_value(profile, user)
        user_model._meta.get_field("profile").set_cached_value(user, profile)
        if profile is not None:
            profile_scope_preload(user, programmes=row[profiles], governorates=row[profiles + 1])
        unread_count_preload(user, row[profiles + 2])
        return user


def user_columns() -> int:
    """How many columns of ``user_statement_compose``'s row are the user's: the
    ones a caller adds come after them."""
    return len(_columns(get_user_model())) + len(_columns(UserProfile)) + 3
