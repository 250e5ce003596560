"""How the API knows who asks: a token (``Authorization: Token <key>``), as
DRF's ``TokenAuthentication``, whose user comes as a page's does
(``programmes.backends``): with their profile, scope and unread count.

A module of its own, imported by DRF's settings: it must not import DRF's
views (they read these settings as they load)."""

from __future__ import annotations

from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from programmes.backends import ProfileBackend


class ProfileTokenAuthentication(TokenAuthentication):
    """DRF's token authentication with two plain statements (the token's
    written once per process, then the user's, ``ProfileBackend``) instead
    of three ORM queries (the token with its user, the profile, the scope)
    built on every call. An inactive user's token opens nothing."""

    _statement: str | None = None

    def authenticate_credentials(self, key):
        model = self.get_model()
        fields = list(model._meta.concrete_fields)
        alias = router.db_for_read(model)
        connection = connections[alias]
        if ProfileTokenAuthentication._statement is None:
            quote = connection.ops.quote_name
            ProfileTokenAuthentication._statement = (
                f"SELECT {', '.join(quote(field.column) for field in fields)} "
                f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = %s"
            )
        with connection.cursor() as cursor:
            cursor.execute(self._statement, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = model.from_db(alias, [field.attname for field in fields], row)
        user = ProfileBackend().get_user(token.user_id)
        if user is None:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token
