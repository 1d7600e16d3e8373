"""The tokened page where a deputy rates a reply without signing in."""

from django.urls import path  # noqa: F401

app_name = "suggestion_public"

urlpatterns: list = []
