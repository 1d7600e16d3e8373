"""API of one congress, under /api/v1/c/<congress_slug>/."""

from django.urls import path

from congress import api, audit_views

app_name = "api"

urlpatterns = [
    path("me/", api.MeView.as_view(), name="me"),
    path("congress/", api.CongressView.as_view(), name="congress"),
    path("members/", api.MemberListView.as_view(), name="member_list"),
    path("jobs/<int:job_run_id>/", api.JobRunView.as_view(), name="job_run"),
    path("audit/events/", audit_views.AuditEventListView.as_view(), name="audit_events"),
]
