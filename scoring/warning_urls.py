"""Warnings: the list, a warning with its talks, the warning rules."""

from django.urls import path

from scoring import warning_views as views

app_name = "duty_warnings"

urlpatterns = [
    path("", views.warning_list, name="list"),
    path("<int:warning_id>/", views.warning_detail, name="detail"),
    path("<int:warning_id>/talks/", views.talk_create, name="talk_create"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/install/", views.rules_install, name="rules_install"),
    path("rules/<int:warning_rule_id>/", views.rule_edit, name="rule_edit"),
]
