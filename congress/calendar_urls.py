"""The working-day calendar's overrides, under /c/<congress_slug>/calendar/."""

from django.urls import path

from congress import calendar_views as views

app_name = "calendar"

urlpatterns = [
    path("", views.calendar_index, name="index"),
    path("new/", views.calendar_create, name="create"),
    path("bulk/", views.calendar_bulk, name="bulk"),
    path("<int:override_id>/", views.calendar_edit, name="edit"),
    path("<int:override_id>/delete/", views.calendar_delete, name="delete"),
]
