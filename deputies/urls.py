"""Roster pages, under /c/<congress_slug>/deputies/."""

from django.urls import path

from deputies import views

app_name = "deputies"

urlpatterns = [
    path("", views.deputy_list, name="list"),
    path("new/", views.deputy_create, name="create"),
    path("<int:deputy_id>/", views.deputy_detail, name="detail"),
    path("<int:deputy_id>/edit/", views.deputy_edit, name="edit"),
    path("<int:deputy_id>/status/", views.deputy_status, name="status"),
    path("<int:deputy_id>/account/", views.deputy_account, name="account"),
]
