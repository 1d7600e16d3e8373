"""Pages of one congress, under /c/<congress_slug>/."""

from django.urls import path

from congress import audit_views, views

app_name = "congress"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:membership_id>/", views.member_change, name="member_change"),
    path("settings/", views.congress_settings, name="settings"),
    path("members/<int:membership_id>/unlock/", views.account_unlock, name="account_unlock"),
    path("security/", views.account_security, name="security"),
    path("security/password-rules/", views.password_policy, name="password_policy"),
    # The change history of records, for committee staff; the audit log is the auditor's.
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/events/", audit_views.audit_events, name="audit_events"),
    path("jobs/", views.job_list, name="job_list"),
]
