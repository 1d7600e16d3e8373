"""Group projects, under /c/<congress_slug>/projects/."""

from django.urls import path

from liaison import project_views as views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("unclaimed/", views.project_unclaimed, name="unclaimed"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/edit/", views.project_update, name="update"),
    path("<int:project_id>/progress/", views.project_progress, name="progress"),
    path("<int:project_id>/close/", views.project_close, name="close"),
    path("<int:project_id>/drop/", views.project_drop, name="drop"),
    path(
        "<int:project_id>/photos/<int:progress_photo_id>/",
        views.project_photo,
        name="photo",
    ),
]
