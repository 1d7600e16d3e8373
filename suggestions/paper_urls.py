"""Staff entering a suggestion from a paper form."""

from django.urls import path  # noqa: F401

app_name = "suggestion_paper"

urlpatterns: list = []
