"""The admin of users, their role and scope, and of what the system sends
them: notifications, their preferences and the outbox of background work."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from programmes.admin_base import GovernorateFilter
from programmes.models import (
    Governorate,
    Notification,
    NotificationPreference,
    OutboxTask,
    UserProfile,
)


@admin.register(UserProfile)
class UserProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "donor"]
    list_filter = ["role", "donor", ("governorates", GovernorateFilter), "programmes"]
    list_select_related = ["user", "donor"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user", "donor"]
    filter_horizontal = ["governorates", "programmes"]
    ordering = ["user__username"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "governorates":
            kwargs["queryset"] = Governorate.objects.defer("boundary")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    verbose_name_plural = _("role and scope")
    fields = ["role", "donor", "governorates", "programmes"]
    autocomplete_fields = ["donor"]
    filter_horizontal = ["governorates", "programmes"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "governorates":
            kwargs["queryset"] = Governorate.objects.defer("boundary")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, with the user's role and scope on the same page."""

    inlines = [UserProfileInline]
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "is_staff",
        "is_active",
    ]
    list_filter = ["profile__role", "is_staff", "is_superuser", "is_active", "groups"]
    list_select_related = ["profile"]

    @admin.display(description=_("role"), ordering="profile__role")
    def role(self, obj: User) -> str | None:
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else None


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Background work: what waits for the broker (and since when, with the
    last error), and what was sent in the last week. Read only: the outbox
    sends it by itself."""

    list_display = ["id", "kind", "state", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in OutboxTask._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What users were told: read only, written by the services that tell them."""

    list_display = ["id", "user", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    """Each user's choices of what to be told (they set them on their own page)."""

    list_display = ["user", "kind", "in_app", "by_email"]
    list_filter = ["kind"]
    list_select_related = ["user"]
