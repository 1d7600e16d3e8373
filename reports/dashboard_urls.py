"""The leadership dashboard, under /c/<congress_slug>/leadership/."""

from django.urls import path

from reports import dashboard_views as views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
]
