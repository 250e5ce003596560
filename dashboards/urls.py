"""Dashboards: mission, governorate and programme pages."""

from django.urls import path

from dashboards import targets, views

app_name = "dashboards"

urlpatterns = [
    path("", views.mission, name="mission"),
    path("governorate/<str:pcode>/", views.governorate, name="governorate"),
    path("programme/<str:code>/", views.programme, name="programme"),
    path("programme/<str:code>/targets/", targets.targets_page, name="targets"),
    path("programme/<str:code>/targets/import/", targets.targets_import, name="targets_import"),
    path(
        "programme/<str:code>/targets/<int:pk>/delete/",
        targets.target_delete,
        name="target_delete",
    ),
    path("governorates.geojson", views.governorates_geojson, name="governorates_geojson"),
    path(
        "governorate/<str:pcode>/districts.geojson",
        views.districts_geojson,
        name="districts_geojson",
    ),
]
