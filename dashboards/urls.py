"""Dashboards: mission, governorate and programme pages."""

from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.mission, name="mission"),
    path("governorate/<str:pcode>/", views.governorate, name="governorate"),
    path("programme/<str:code>/", views.programme, name="programme"),
    path("governorates.geojson", views.governorates_geojson, name="governorates_geojson"),
    path(
        "governorate/<str:pcode>/districts.geojson",
        views.districts_geojson,
        name="districts_geojson",
    ),
]
