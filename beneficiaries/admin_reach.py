"""Shared reaches in the admin: what several lines reached together, with
its lines. Shown, not edited here: a reach is written with its lines (the
visit form, the API, the import), which check them together."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from beneficiaries.models import AssistanceRecord, SharedReach


class SharedReachLineInline(admin.TabularInline):
    model = AssistanceRecord
    fk_name = "reach"
    fields = ["activity_type", "units", "delivered_on", "project", "visit", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("line sharing this reach")
    verbose_name_plural = _("lines sharing this reach")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SharedReach)
class SharedReachAdmin(SimpleHistoryAdmin):
    list_display = ["id", "households", "people", "household_size", "created_at"]
    ordering = ["-id"]
    inlines = [SharedReachLineInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in SharedReach._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
