"""Handling units, under /c/<congress_slug>/units/."""

app_name = "units"

urlpatterns: list = []
