"""The statistics API for staff and leaders."""

from django.urls import path

from suggestions import stats_api

app_name = "suggestion_stats_api"

urlpatterns = [
    path("suggestion-statistics/", stats_api.StatisticsView.as_view(), name="statistics"),
]
