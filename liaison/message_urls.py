"""Voter message pages for members, under /c/<congress_slug>/messages/."""

app_name = "messages"

urlpatterns: list = []
