"""The working-day calendar's overrides, under /c/<congress_slug>/calendar/."""

app_name = "calendar"

urlpatterns: list = []
