"""Rule sets: presets, the items of a year's rules, versions."""

from django.urls import path

from scoring import rule_views as views

app_name = "duty_rules"

urlpatterns = [
    path("", views.rule_index, name="index"),
    path("new/", views.rule_set_create, name="create"),
    path("<int:rule_set_id>/", views.rule_set_detail, name="detail"),
    path("<int:rule_set_id>/edit/", views.rule_set_edit, name="edit"),
]
