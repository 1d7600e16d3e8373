"""Duty record photos, served to the deputy who owns them and the staff who audit them."""

from django.urls import path

from scoring import file_views

app_name = "duty_files"

urlpatterns = [
    path("photos/<int:duty_photo_id>/", file_views.duty_photo, name="photo"),
]
