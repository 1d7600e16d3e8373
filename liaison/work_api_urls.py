"""Reception day and group project API, under /api/v1/c/<congress_slug>/."""

app_name = "work_api"

urlpatterns: list = []
