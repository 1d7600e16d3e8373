"""Public pages reached by QR code, under /p/<congress_slug>/ (no sign-in)."""

from django.urls import path

from liaison import intake_views, public_views

app_name = "public"

urlpatterns = [
    path("d/<str:deputy_token>/", public_views.deputy_page, name="deputy"),
    path("d/<str:deputy_token>/photo/", public_views.deputy_photo, name="deputy_photo"),
    path("s/<str:station_token>/", public_views.station_page, name="station"),
    # A voter's message, written from a deputy's or a station's page; every step stays under
    # that page's token, so a rotated code closes them all at once.
    path("d/<str:deputy_token>/message/", intake_views.message_form, name="deputy_message"),
    path(
        "d/<str:deputy_token>/message/sent/",
        intake_views.message_sent,
        name="deputy_message_sent",
    ),
    path(
        "d/<str:deputy_token>/message/captcha/",
        intake_views.captcha_image,
        name="deputy_captcha",
    ),
    path("d/<str:deputy_token>/track/", intake_views.track_lookup, name="deputy_track"),
    path("s/<str:station_token>/message/", intake_views.message_form, name="station_message"),
    path(
        "s/<str:station_token>/message/sent/",
        intake_views.message_sent,
        name="station_message_sent",
    ),
    path(
        "s/<str:station_token>/message/captcha/",
        intake_views.captcha_image,
        name="station_captcha",
    ),
    path("s/<str:station_token>/track/", intake_views.track_lookup, name="station_track"),
    # The tracking code alone opens the message's progress and answer.
    path("m/<str:tracking_code>/", intake_views.track_message, name="track_message"),
]
