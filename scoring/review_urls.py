"""Staff duty work: the audit queue (batch approve and reject), batch entry, quarters."""

app_name = "duty_review"
urlpatterns: list = []
