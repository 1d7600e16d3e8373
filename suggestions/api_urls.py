"""The staff API for suggestions, under /api/v1/c/<congress_slug>/suggestions/."""

from django.urls import path

from suggestions import api

app_name = "suggestions_api"

urlpatterns = [
    path("suggestions/", api.SuggestionListView.as_view(), name="list"),
    path("suggestions/<int:suggestion_id>/", api.SuggestionDetailView.as_view(), name="detail"),
    path("suggestions/<int:suggestion_id>/accept/", api.AcceptView.as_view(), name="accept"),
    path("suggestions/<int:suggestion_id>/return/", api.ReturnView.as_view(), name="return"),
    path("suggestions/<int:suggestion_id>/letter/", api.LetterView.as_view(), name="letter"),
    path("suggestions/<int:suggestion_id>/merge/", api.MergeView.as_view(), name="merge"),
    path("suggestions/<int:suggestion_id>/unmerge/", api.UnmergeView.as_view(), name="unmerge"),
    path("suggestions/<int:suggestion_id>/key/", api.KeyView.as_view(), name="key"),
    path("suggestions/<int:suggestion_id>/unkey/", api.UnkeyView.as_view(), name="unkey"),
    path(
        "suggestions/<int:suggestion_id>/supervision/",
        api.SupervisionView.as_view(),
        name="supervision",
    ),
    path("suggestions/<int:suggestion_id>/close/", api.CloseView.as_view(), name="close"),
]
