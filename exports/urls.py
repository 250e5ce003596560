"""The exports page and its downloads: /exports/<export>.<csv|xlsx>?<filters>."""

from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>.<str:fmt>", views.download, name="download"),
]
