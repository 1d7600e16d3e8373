"""Group projects, under /c/<congress_slug>/projects/."""

app_name = "projects"

urlpatterns: list = []
