"""The warnings and rule sets API."""

app_name = "duty_warnings_api"
urlpatterns: list = []
