"""Assignment API for staff, and the sessions and categories, under /api/v1/c/<congress_slug>/."""

from django.urls import path

from suggestions import assign_api as api

app_name = "suggestion_assign_api"

urlpatterns = [
    path("suggestions/<int:suggestion_id>/assign/", api.AssignView.as_view(), name="assign"),
    path("suggestions/<int:suggestion_id>/reassign/", api.ReassignView.as_view(), name="reassign"),
    path("suggestions/<int:suggestion_id>/extend/", api.ExtendView.as_view(), name="extend"),
    path("suggestion-sessions/", api.SessionListView.as_view(), name="sessions"),
    path("suggestion-categories/", api.CategoryListView.as_view(), name="categories"),
]
