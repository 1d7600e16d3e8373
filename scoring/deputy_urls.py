"""The deputy's duty pages on the phone: my points, report a duty, my records, my warnings."""

app_name = "my_duties"
urlpatterns: list = []
