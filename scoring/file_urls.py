"""Duty record photos, served to the deputy who owns them and the staff who audit them."""

app_name = "duty_files"
urlpatterns: list = []
