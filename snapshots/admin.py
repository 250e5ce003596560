"""Admin for snapshots (the frozen payload is read-only) and their downloads
(a log: nothing is edited)."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from snapshots.models import Snapshot, SnapshotDownload, SnapshotSeries


@admin.register(SnapshotSeries)
class SnapshotSeriesAdmin(admin.ModelAdmin):
    """Series are named, and their default disclaimer and contact edited,
    here; their portfolio and cadence are fixed once snapshots exist."""

    list_display = ["name", "cadence", "portfolio_key", "created_at"]
    list_filter = ["cadence"]
    search_fields = ["name", "portfolio_key"]
    readonly_fields = ["portfolio_key", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["programmes", "cadence"] if obj is not None and obj.snapshots.exists() else []
        return [*self.readonly_fields, *fixed]

    def has_add_permission(self, request) -> bool:
        return False  # made by the snapshot pages and API, which set the portfolio key


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    # Who created and published it are fields of the snapshot; its history
    # rows (HistoricalSnapshot) are kept for audit without an admin page.
    list_display = ["title", "series", "period_end", "as_of", "status", "pdf_status"]
    list_filter = ["status", "pdf_status", "series__cadence", "period_end"]
    search_fields = ["title", "portfolio_key"]
    date_hierarchy = "period_end"
    readonly_fields = [
        "series",
        "programmes",
        "period_start",
        "period_end",
        "as_of",
        "portfolio_key",
        "status",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
        "previous",
        "payload_shown",
        "pdf",
        "pdf_status",
        "pdf_progress",
        "pdf_error",
        "pdf_attempts",
        "pdf_requested_at",
        "pdf_generated_at",
    ]
    fields = ["title", *readonly_fields]

    @admin.display(description=_("frozen figures"))
    def payload_shown(self, obj: Snapshot) -> str:
        if obj.payload is None:
            return _("Not frozen: a draft shows live figures.")
        return format_html(
            "<pre style='max-height:30rem;overflow:auto'>{}</pre>",
            json.dumps(obj.payload, indent=2, ensure_ascii=False),
        )

    def get_readonly_fields(self, request, obj=None):
        # A published snapshot is a record of what donors received: nothing changes.
        if obj is not None and obj.is_published:
            return ["title", *self.readonly_fields]
        return self.readonly_fields

    def has_add_permission(self, request) -> bool:
        return False  # made through the snapshot pages (services.snapshot_create)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.is_published


@admin.register(SnapshotDownload)
class SnapshotDownloadAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "snapshot", "status", "kind"]
    list_filter = ["kind", "status"]
    search_fields = ["user__username", "snapshot__title"]
    date_hierarchy = "at"
    readonly_fields = ["at", "user", "snapshot", "status", "kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
