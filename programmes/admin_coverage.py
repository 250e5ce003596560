"""The project admin's coverage (``programmes/forms_coverage.py``) and the
places covered, to look up."""

from __future__ import annotations

from django.contrib import admin

from programmes.forms_coverage import ProjectCoverageForm
from programmes.models import ProjectPlace


class ProjectAdminForm(ProjectCoverageForm):
    """The admin's project form: its places covered as the managers' page has them."""


@admin.register(ProjectPlace)
class ProjectPlaceAdmin(admin.ModelAdmin):
    """The places projects cover, to look up; written through a project's
    "places covered" (``ProjectAdminForm``), so that its one place follows."""

    list_display = ["project", "governorate", "district"]
    list_select_related = ["project", "governorate", "district"]
    search_fields = ["project__code", "governorate__name_iom", "district__name_en"]
    ordering = ["project__code"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("governorate__boundary", "district__boundary")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
