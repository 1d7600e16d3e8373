"""Reception day and group project API, under /api/v1/c/<congress_slug>/."""

from django.urls import path

from liaison import work_api as api

app_name = "work_api"

urlpatterns = [
    path("receptions/", api.ReceptionDayListView.as_view(), name="reception_list"),
    path(
        "receptions/<int:reception_id>/",
        api.ReceptionDayDetailView.as_view(),
        name="reception_detail",
    ),
    path(
        "receptions/<int:reception_id>/attendance/",
        api.ReceptionAttendanceView.as_view(),
        name="reception_attendance",
    ),
    path("projects/", api.ProjectListView.as_view(), name="project_list"),
    path("projects/<int:project_id>/", api.ProjectDetailView.as_view(), name="project_detail"),
    path(
        "projects/<int:project_id>/progress/",
        api.ProjectProgressView.as_view(),
        name="project_progress",
    ),
    path("projects/<int:project_id>/close/", api.ProjectCloseView.as_view(), name="project_close"),
    path("projects/<int:project_id>/drop/", api.ProjectDropView.as_view(), name="project_drop"),
    path(
        "projects/<int:project_id>/photos/<int:progress_photo_id>/",
        api.ProjectPhotoView.as_view(),
        name="project_photo",
    ),
]
