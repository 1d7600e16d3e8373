"""Public pages reached by QR code, under /p/<congress_slug>/ (no sign-in)."""

from django.urls import path

from liaison import public_views

app_name = "public"

urlpatterns = [
    path("d/<str:deputy_token>/", public_views.deputy_page, name="deputy"),
    path("d/<str:deputy_token>/photo/", public_views.deputy_photo, name="deputy_photo"),
    path("s/<str:station_token>/", public_views.station_page, name="station"),
]
