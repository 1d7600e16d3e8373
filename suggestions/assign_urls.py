"""Staff pages for assignment: assign, reassign after a unit's return, extend a deadline."""

from django.urls import path  # noqa: F401

app_name = "suggestion_assign"

urlpatterns: list = []
