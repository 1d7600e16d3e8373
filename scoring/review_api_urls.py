"""The review API: records awaiting audit, batch approve and reject, batch entry, quarters."""

app_name = "duty_review_api"
urlpatterns: list = []
