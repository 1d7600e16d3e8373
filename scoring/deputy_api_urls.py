"""The deputy's duty API: own records (create with photos, list), own points and warnings."""

app_name = "my_duties_api"
urlpatterns: list = []
