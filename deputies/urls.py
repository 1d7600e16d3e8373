"""Roster pages, under /c/<congress_slug>/deputies/."""

app_name = "deputies"

urlpatterns: list = []
