"""Warnings: the list, a warning with its talks, the warning rules."""

app_name = "duty_warnings"
urlpatterns: list = []
