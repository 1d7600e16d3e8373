"""The handling units' API."""

from django.urls import path  # noqa: F401

app_name = "unit_work_api"

urlpatterns: list = []
