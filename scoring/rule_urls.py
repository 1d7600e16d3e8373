"""Rule sets: presets, the items of a year's rules, versions."""

app_name = "duty_rules"
urlpatterns: list = []
