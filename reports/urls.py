"""Exports, under /c/<congress_slug>/exports/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<slug:identifier>/", views.export, name="export"),
    path("<slug:identifier>/<int:export_id>/", views.download, name="download"),
]
