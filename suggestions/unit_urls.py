"""Handling units, under /c/<congress_slug>/units/."""

from django.urls import path

from suggestions import unit_views as views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("new/", views.unit_create, name="create"),
    path("<int:unit_id>/", views.unit_detail, name="detail"),
    path("<int:unit_id>/edit/", views.unit_update, name="update"),
    path("<int:unit_id>/liaisons/", views.unit_liaison_add, name="liaison_add"),
    path("<int:unit_id>/liaisons/remove/", views.unit_liaison_remove, name="liaison_remove"),
]
