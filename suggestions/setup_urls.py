"""Staff pages for congress sessions and suggestion categories."""

from django.urls import path

from suggestions import setup_views as views

app_name = "suggestion_setup"

urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/edit/", views.session_update, name="session_update"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/<int:category_id>/edit/", views.category_update, name="category_update"),
    path("categories/<int:category_id>/retire/", views.category_retire, name="category_retire"),
    path("categories/<int:category_id>/move/", views.category_reorder, name="category_reorder"),
]
