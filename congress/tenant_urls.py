"""Pages of one congress, under /c/<congress_slug>/."""

from django.urls import path

from congress import views

app_name = "congress"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:membership_id>/", views.member_change, name="member_change"),
    path("settings/", views.congress_settings, name="settings"),
    path("audit/", views.audit_log, name="audit_log"),
    path("jobs/", views.job_list, name="job_list"),
]
