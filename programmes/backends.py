"""How a request's user is loaded: with what every page reads of them, in
one query instead of four.

Every page asks who the user is (the session's user id), their role and
scope (``programmes.access``: the profile, its programmes and governorates)
and, in the header, how many notifications they have not read. ``ProfileBackend``
(``settings.AUTHENTICATION_BACKENDS``) reads them together: the user with
their profile, the ids of the profile's programmes and governorates, and
the unread count, all as of the start of the request. What changes them
during the request drops what was read (``programmes.notifications``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from programmes.access import profile_scope_preload
from programmes.models import Notification, UserProfile
from programmes.notifications import unread_count_preload


class ProfileBackend(ModelBackend):
    """Django's own backend (passwords, permissions), whose ``get_user`` reads
    the user's profile, scope and unread count in the same query."""

    def get_user(self, user_id):
        user_model = get_user_model()
        links = {
            "programme": UserProfile.programmes.through.objects,
            "governorate": UserProfile.governorates.through.objects,
        }
        scope = {
            f"_{name}_ids": ArraySubquery(
                rows.filter(userprofile__user_id=OuterRef("pk")).values(f"{name}_id")
            )
            for name, rows in links.items()
        }
        unread = (
            Notification.objects.filter(user_id=OuterRef("pk"), read_at=None)
            .order_by()
            .values("user_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user = (
            user_model._default_manager.select_related("profile")
            .annotate(
                **scope,
                _unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        if getattr(user, "profile", None) is not None:
            profile_scope_preload(
                user, programmes=user._programme_ids, governorates=user._governorate_ids
            )
        unread_count_preload(user, user._unread)
        return user
