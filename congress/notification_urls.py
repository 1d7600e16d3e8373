"""Notifications (the bell), under /c/<congress_slug>/notifications/."""

app_name = "notifications"

urlpatterns: list = []
