"""Snapshot pages, under /snapshots/."""

from django.urls import path

from snapshots import views
from snapshots import views_authoring as authoring

app_name = "snapshots"

urlpatterns = [
    path("", views.snapshot_list, name="list"),
    path("new/", authoring.snapshot_create, name="create"),
    path("verify/", views.snapshot_verify, name="verify"),
    path("<int:pk>/", views.snapshot_detail, name="detail"),
    path("<int:pk>/edit/", authoring.snapshot_edit, name="edit"),
    path("<int:pk>/publish/", authoring.snapshot_publish, name="publish"),
    path("<int:pk>/sections/add/", authoring.section_add, name="section_add"),
    path("<int:pk>/sections/<int:section_pk>/", authoring.section_edit, name="section_edit"),
    path("<int:pk>/sections/<int:section_pk>/hide/", authoring.section_hide, name="section_hide"),
    path("<int:pk>/sections/<int:section_pk>/move/", authoring.section_move, name="section_move"),
    path(
        "<int:pk>/sections/<int:section_pk>/delete/",
        authoring.section_delete,
        name="section_delete",
    ),
    path("<int:pk>/sections/<int:section_pk>/blocks/add/", authoring.block_add, name="block_add"),
    path(
        "<int:pk>/sections/<int:section_pk>/sentence/",
        authoring.sentence_add,
        name="sentence_add",
    ),
    path("<int:pk>/blocks/<int:block_pk>/", authoring.block_edit, name="block_edit"),
    path("<int:pk>/blocks/<int:block_pk>/move/", authoring.block_move, name="block_move"),
    path("<int:pk>/blocks/<int:block_pk>/delete/", authoring.block_delete, name="block_delete"),
    path("<int:pk>/pdf/", views.snapshot_pdf_request, name="pdf_request"),
    path("<int:pk>/pdf/status/", views.snapshot_pdf_status, name="pdf_status"),
    path("<int:pk>/pdf/download/", views.snapshot_download, name="download"),
]
