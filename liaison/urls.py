"""Group and station pages, under /c/<congress_slug>/."""

app_name = "liaison"

urlpatterns: list = []
