"""Roster import from Excel, under /c/<congress_slug>/deputies/import/."""

app_name = "roster_import"

urlpatterns: list = []
