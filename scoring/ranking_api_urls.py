"""The rankings API: boards, rollups, a deputy's scores."""

from django.urls import path

from scoring import ranking_api as api

app_name = "duty_rankings_api"
urlpatterns = [
    path("duties/rankings/", api.RankingListView.as_view(), name="list"),
    path(
        "duties/rankings/<int:ranking_id>/entries/",
        api.RankingEntryListView.as_view(),
        name="entries",
    ),
    path(
        "duties/rankings/<int:ranking_id>/rollups/",
        api.RollupListView.as_view(),
        name="rollups",
    ),
    path(
        "duties/rankings/<int:ranking_id>/deputies/<int:deputy_id>/",
        api.DeputyTraceView.as_view(),
        name="deputy",
    ),
]
