"""Public pages reached by QR code, under /p/<congress_slug>/ (no sign-in)."""

app_name = "public"

urlpatterns: list = []
