"""Staff pages: the suggestion list, supervision, acceptance, assignment, sessions, categories."""

from django.urls import path  # noqa: F401

app_name = "suggestions"

urlpatterns: list = []
