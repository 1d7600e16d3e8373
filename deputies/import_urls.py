"""Roster import from Excel, under /c/<congress_slug>/deputies/import/ (the export is on the
shared export page, /c/<congress_slug>/exports/roster/)."""

from django.urls import path

from deputies import import_views

app_name = "roster_import"

urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("template/", import_views.template, name="template"),
    path("<int:import_id>/", import_views.detail, name="detail"),
    path("<int:import_id>/confirm/", import_views.confirm, name="confirm"),
    path("<int:import_id>/discard/", import_views.discard, name="discard"),
]
