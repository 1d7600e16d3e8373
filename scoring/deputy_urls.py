"""The deputy's duty pages on the phone: my points, report a duty, my records, my warnings."""

from django.urls import path

from scoring import deputy_views as views

app_name = "my_duties"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("records/", views.records, name="records"),
    path("records/<int:record_id>/", views.record, name="record"),
    path("warnings/", views.warnings, name="warnings"),
]
