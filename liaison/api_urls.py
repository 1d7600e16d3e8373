"""Group and station API, under /api/v1/c/<congress_slug>/."""

from django.urls import path

from liaison import api

app_name = "liaison_api"

urlpatterns = [
    path("groups/", api.GroupListView.as_view(), name="group_list"),
    path("groups/<int:group_id>/", api.GroupDetailView.as_view(), name="group_detail"),
    path("stations/", api.StationListView.as_view(), name="station_list"),
    path("stations/<int:station_id>/", api.StationDetailView.as_view(), name="station_detail"),
]
