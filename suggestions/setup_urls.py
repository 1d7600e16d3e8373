"""Staff pages for congress sessions and suggestion categories."""

from django.urls import path  # noqa: F401

app_name = "suggestion_setup"

urlpatterns: list = []
