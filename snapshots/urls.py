"""Snapshot pages, under /snapshots/."""

from django.urls import path

from snapshots import views

app_name = "snapshots"

urlpatterns = [
    path("", views.snapshot_list, name="list"),
    path("new/", views.snapshot_create, name="create"),
    path("verify/", views.snapshot_verify, name="verify"),
    path("<int:pk>/", views.snapshot_detail, name="detail"),
    path("<int:pk>/publish/", views.snapshot_publish, name="publish"),
    path("<int:pk>/pdf/", views.snapshot_pdf_request, name="pdf_request"),
    path("<int:pk>/pdf/status/", views.snapshot_pdf_status, name="pdf_status"),
    path("<int:pk>/pdf/download/", views.snapshot_download, name="download"),
]
