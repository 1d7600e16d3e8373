"""Printable A4 pages: the feedback form and a suggestion's full record."""

from django.urls import path  # noqa: F401

app_name = "suggestion_print"

urlpatterns: list = []
