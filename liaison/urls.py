"""Group and station pages, under /c/<congress_slug>/."""

from django.urls import path

from liaison import views

app_name = "liaison"

urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:group_id>/", views.group_detail, name="group_detail"),
    path("groups/<int:group_id>/edit/", views.group_update, name="group_update"),
    path("groups/<int:group_id>/members/", views.group_members, name="group_members"),
    path(
        "groups/<int:group_id>/members/<int:deputy_id>/remove/",
        views.group_member_remove,
        name="group_member_remove",
    ),
    path("groups/<int:group_id>/leader/", views.group_leader, name="group_leader"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/new/", views.station_create, name="station_create"),
    path("stations/<int:station_id>/", views.station_detail, name="station_detail"),
    path("stations/<int:station_id>/edit/", views.station_update, name="station_update"),
    path("stations/<int:station_id>/deputies/", views.station_deputies, name="station_deputies"),
    path(
        "stations/<int:station_id>/deputies/<int:deputy_id>/remove/",
        views.station_deputy_remove,
        name="station_deputy_remove",
    ),
    path("stations/<int:station_id>/staff/", views.station_staff_add, name="station_staff_add"),
    path(
        "stations/<int:station_id>/staff/remove/",
        views.station_staff_remove,
        name="station_staff_remove",
    ),
    path(
        "stations/<int:station_id>/checklist/",
        views.station_checklist,
        name="station_checklist",
    ),
    path("standards/", views.standard_list, name="standard_list"),
    path("standards/new/", views.standard_create, name="standard_create"),
    path("standards/<int:standard_id>/edit/", views.standard_update, name="standard_update"),
    path("standards/defaults/", views.standard_defaults, name="standard_defaults"),
]
