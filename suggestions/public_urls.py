"""The deputy's tokened rating page (no sign-in), under /p/<congress_slug>/feedback/."""

from django.urls import path

from suggestions import public_views

app_name = "suggestion_public"

urlpatterns = [
    path("<str:feedback_token>/", public_views.feedback_page, name="feedback"),
]
