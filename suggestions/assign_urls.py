"""Staff pages for assignment: assign, reassign after a unit's return, extend a deadline."""

from django.urls import path

from suggestions import assign_views as views

app_name = "suggestion_assign"

urlpatterns = [
    path("<int:suggestion_id>/assign/", views.assign, name="assign"),
    path("<int:suggestion_id>/reassign/", views.reassign, name="reassign"),
    path("<int:suggestion_id>/extend/", views.extend, name="extend"),
]
