"""Voter message API, under /api/v1/c/<congress_slug>/."""

app_name = "message_api"

urlpatterns: list = []
