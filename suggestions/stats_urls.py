"""Suggestion statistics for staff and leaders."""

from django.urls import path

from suggestions import stats_views

app_name = "suggestion_stats"

urlpatterns = [
    path("", stats_views.dashboard, name="dashboard"),
]
