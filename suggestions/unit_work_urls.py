"""A handling unit's work: assigned suggestions, contacts, replies, follow-up."""

from django.urls import path  # noqa: F401

app_name = "unit_work"

urlpatterns: list = []
