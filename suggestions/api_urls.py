"""The staff API for suggestions."""

from django.urls import path  # noqa: F401

app_name = "suggestions_api"

urlpatterns: list = []
