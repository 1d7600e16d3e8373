"""The statistics API for staff and leaders."""

from django.urls import path  # noqa: F401

app_name = "suggestion_stats_api"

urlpatterns: list = []
