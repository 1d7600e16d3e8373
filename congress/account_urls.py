"""The person's own account pages, under /accounts/ (not a congress's pages)."""

from django.urls import path

from congress import account_views

urlpatterns = [
    path("password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("two-step/", account_views.two_step, name="account_two_step"),
    path("two-step/verify/", account_views.two_step_verify, name="account_two_step_verify"),
    path("sessions/", account_views.sessions, name="account_sessions"),
]
