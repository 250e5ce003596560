"""Dashboards: mission, governorate and programme pages."""

from django.urls import path

from dashboards import targets, views, views_funding

app_name = "dashboards"

urlpatterns = [
    path("", views.mission, name="mission"),
    path("governorate/<str:pcode>/", views.governorate, name="governorate"),
    path("programme/<str:code>/", views.programme, name="programme"),
    path("programme/<str:code>/projects/", views_funding.project_list, name="project_list"),
    path("programme/<str:code>/projects/new/", views_funding.project_form, name="project_new"),
    path(
        "programme/<str:code>/projects/<int:pk>/",
        views_funding.project_form,
        name="project_edit",
    ),
    path(
        "programme/<str:code>/contributions/",
        views_funding.contribution_list,
        name="contribution_list",
    ),
    path(
        "programme/<str:code>/contributions/new/",
        views_funding.contribution_form,
        name="contribution_new",
    ),
    path(
        "programme/<str:code>/contributions/<int:pk>/",
        views_funding.contribution_form,
        name="contribution_edit",
    ),
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
