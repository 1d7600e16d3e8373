"""The handling units' API, under /api/v1/c/<congress_slug>/unit-work/."""

from django.urls import path

from suggestions import unit_work_api as api

app_name = "unit_work_api"

urlpatterns = [
    path("unit-work/suggestions/", api.UnitSuggestionListView.as_view(), name="list"),
    path("unit-work/follow-up/", api.FollowUpListView.as_view(), name="follow_up"),
    path(
        "unit-work/suggestions/<int:suggestion_id>/",
        api.UnitSuggestionDetailView.as_view(),
        name="detail",
    ),
    path(
        "unit-work/suggestions/<int:suggestion_id>/return/",
        api.ReturnView.as_view(),
        name="return",
    ),
    path(
        "unit-work/suggestions/<int:suggestion_id>/opinion/",
        api.OpinionView.as_view(),
        name="opinion",
    ),
    path(
        "unit-work/suggestions/<int:suggestion_id>/contacts/",
        api.ContactView.as_view(),
        name="contact",
    ),
    path(
        "unit-work/suggestions/<int:suggestion_id>/reply/",
        api.ReplyView.as_view(),
        name="reply",
    ),
    path(
        "unit-work/suggestions/<int:suggestion_id>/solved/",
        api.SolvedView.as_view(),
        name="solved",
    ),
]
