"""Staff duty work: the audit queue (batch approve and reject), batch entry, quarters."""

from django.urls import path

from scoring import review_views as views

app_name = "duty_review"

urlpatterns = [
    path("review/", views.review_queue, name="queue"),
    path("review/records/<int:record_id>/", views.record_detail, name="record"),
    path("enter/", views.record_enter, name="enter"),
    path("quarters/", views.quarter_list, name="quarters"),
    path("quarters/close/", views.quarter_close, name="quarter_close"),
]
