"""The warnings and rule sets API."""

from django.urls import path

from scoring import warning_api as api

app_name = "duty_warnings_api"

urlpatterns = [
    path("duties/warnings/", api.WarningListView.as_view(), name="list"),
    path("duties/warnings/<int:warning_id>/", api.WarningDetailView.as_view(), name="detail"),
    path(
        "duties/warnings/<int:warning_id>/talks/",
        api.WarningTalkCreateView.as_view(),
        name="talk_create",
    ),
    path("duties/rules/", api.RuleSetListView.as_view(), name="rule_sets"),
    path("duties/rules/<int:rule_set_id>/", api.RuleSetDetailView.as_view(), name="rule_set"),
]
