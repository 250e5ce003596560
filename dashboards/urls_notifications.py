"""The user's notifications and their choices."""

from django.urls import path

from dashboards import views_notifications as views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notification_read_all, name="read_all"),
    path("preferences/", views.notification_preferences_page, name="preferences"),
    path("<int:pk>/open/", views.notification_open, name="open"),
]
