"""Roster API, under /api/v1/c/<congress_slug>/."""

from django.urls import path

from deputies import api

app_name = "deputies_api"

urlpatterns = [
    path("deputies/", api.DeputyListView.as_view(), name="list"),
    path("deputies/me/", api.OwnProfileView.as_view(), name="me"),
    path("deputies/<int:deputy_id>/", api.DeputyDetailView.as_view(), name="detail"),
]
