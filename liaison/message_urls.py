"""Voter message pages for members, under /c/<congress_slug>/messages/."""

from django.urls import path

from liaison import message_views as views

app_name = "messages"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("overdue/", views.message_overdue, name="overdue"),
    path("visit/", views.visit_create, name="visit_create"),
    path("<int:message_id>/", views.message_detail, name="detail"),
    path("<int:message_id>/photos/<int:photo_id>/", views.message_photo, name="photo"),
    path("<int:message_id>/forward/", views.message_forward, name="forward"),
    path("<int:message_id>/start/", views.message_start, name="start"),
    path("<int:message_id>/answer/", views.message_answer, name="answer"),
    path("<int:message_id>/close/", views.message_close, name="close"),
    path("<int:message_id>/erase/", views.message_erase, name="erase"),
]
