"""The leadership dashboard, under /c/<congress_slug>/leadership/."""

app_name = "dashboard"
urlpatterns: list = []
