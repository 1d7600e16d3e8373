"""Notifications (the bell), under /c/<congress_slug>/notifications/."""

from django.urls import path

from congress import notification_views as views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_index, name="list"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
]
