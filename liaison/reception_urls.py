"""Reception days, under /c/<congress_slug>/receptions/."""

app_name = "receptions"

urlpatterns: list = []
