"""Dashboards: mission, governorate and programme pages."""

app_name = "indicators"

urlpatterns: list = []
