"""How the API knows who asks: a token (``Authorization: Token <key>``), as
DRF's ``TokenAuthentication``, whose user comes as a page's does
(``programmes.backends``): with their profile, scope and unread count.

A module of its own, imported by DRF's settings: it must not import DRF's
views (they read these settings as they load)."""

from __future__ import annotations

from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from psycopg2 import sql
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from programmes.backends import (
    ProfileBackend,
    execute_prepared,
    user_columns,
    user_statement_compose,
)


class ProfileTokenAuthentication(TokenAuthentication):
    """DRF's token authentication with one plain statement (written once per
    process): the token with its user, as ``ProfileBackend`` reads a page's
    user, instead of three ORM queries (the token with its user, the
    profile, the scope) built on every call. An inactive user's token opens
    nothing."""

    _statement: str | None = None

    def authenticate_credentials(self, key):
        model = self.get_model()
        fields = list(model._meta.concrete_fields)
        alias = router.db_for_read(model)
        connection = connections[alias]
        with connection.cursor() as cursor:
            statement = self._statement_for(model, cursor.cursor.connection)
            execute_prepared(cursor, "iomdash_token_user", statement, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = model.from_db(alias, [field.attname for field in fields], row[user_columns() :])
        user = ProfileBackend().user_from_row(alias, row)
        if user is None:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token

    @classmethod
    def _statement_for(cls, model, raw_connection) -> str:
        """The user's statement (``programmes.backends``) by the key of a
        token (``model``), with the token's columns after the user's."""
        if cls._statement is None:
            meta = model._meta
            user_column = meta.get_field("user").column
            cls._statement = user_statement_compose(
                columns=sql.SQL("").join(
                    sql.SQL(", {}").format(sql.Identifier("t", field.column))
                    for field in meta.concrete_fields
                ),
                joined=sql.SQL(" JOIN {} t ON t.{} = u.{}").format(
                    sql.Identifier(meta.db_table),
                    sql.Identifier(user_column),
                    sql.Identifier(meta.get_field("user").target_field.column),
                ),
                where=sql.SQL("t.{} = %s").format(sql.Identifier(meta.pk.column)),
            ).as_string(raw_connection)
        return cls._statement
