"""Ranking boards (quarter and year so far, red and black lists) and deputies' duty portraits."""

app_name = "duty_rankings"
urlpatterns: list = []
