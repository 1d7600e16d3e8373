"""Notification API, under /api/v1/c/<congress_slug>/."""

app_name = "notification_api"

urlpatterns: list = []
