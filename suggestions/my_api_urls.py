"""The deputies' API for their own suggestions."""

from django.urls import path  # noqa: F401

app_name = "my_suggestions_api"

urlpatterns: list = []
