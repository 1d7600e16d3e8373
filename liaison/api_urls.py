"""Group and station API, under /api/v1/c/<congress_slug>/."""

app_name = "liaison_api"

urlpatterns: list = []
