"""Printable A4 pages: the feedback form and a suggestion's full record."""

from django.urls import path

from suggestions import print_views

app_name = "suggestion_print"

urlpatterns = [
    path("<int:suggestion_id>/record/", print_views.record, name="record"),
    path("<int:suggestion_id>/feedback-form/", print_views.feedback_form, name="feedback_form"),
]
