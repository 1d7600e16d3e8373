"""The deputy's suggestion API, under /api/v1/c/<congress_slug>/my/suggestions/."""

from django.urls import path

from suggestions import my_api as api

app_name = "my_suggestions_api"

urlpatterns = [
    path("my/suggestions/", api.MySuggestionListView.as_view(), name="list"),
    path(
        "my/suggestions/<int:suggestion_id>/",
        api.MySuggestionDetailView.as_view(),
        name="detail",
    ),
    path(
        "my/suggestions/<int:suggestion_id>/submit/",
        api.MySuggestionSubmitView.as_view(),
        name="submit",
    ),
    path(
        "my/suggestions/<int:suggestion_id>/withdraw/",
        api.MySuggestionWithdrawView.as_view(),
        name="withdraw",
    ),
    path(
        "my/suggestions/<int:suggestion_id>/cosign/",
        api.MySuggestionCosignView.as_view(),
        name="cosign",
    ),
    path(
        "my/suggestions/<int:suggestion_id>/rate/",
        api.MySuggestionRateView.as_view(),
        name="rate",
    ),
]
