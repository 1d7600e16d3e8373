"""Roster API, under /api/v1/c/<congress_slug>/."""

app_name = "deputies_api"

urlpatterns: list = []
