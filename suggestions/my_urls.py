"""A deputy's own suggestions on the phone: write, submit, co-sign, rate."""

from django.urls import path  # noqa: F401

app_name = "my_suggestions"

urlpatterns: list = []
