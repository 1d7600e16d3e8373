"""The rankings API: boards, rollups, a deputy's scores."""

app_name = "duty_rankings_api"
urlpatterns: list = []
