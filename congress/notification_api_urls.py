"""Notification API, under /api/v1/c/<congress_slug>/."""

from django.urls import path

from congress import notification_api as api

app_name = "notification_api"

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="list"),
    path("notifications/read-all/", api.NotificationReadAllView.as_view(), name="read_all"),
    path(
        "notifications/<int:notification_id>/read/",
        api.NotificationReadView.as_view(),
        name="read",
    ),
]
