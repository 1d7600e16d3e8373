"""Voter message API, under /api/v1/c/<congress_slug>/."""

from django.urls import path

from liaison import message_api as api

app_name = "message_api"

urlpatterns = [
    path("messages/", api.MessageListView.as_view(), name="list"),
    path("messages/visits/", api.VisitCreateView.as_view(), name="visit_create"),
    path("messages/<int:message_id>/", api.MessageDetailView.as_view(), name="detail"),
    path("messages/<int:message_id>/answer/", api.MessageAnswerView.as_view(), name="answer"),
    path("messages/<int:message_id>/start/", api.MessageStartView.as_view(), name="start"),
    path("messages/<int:message_id>/forward/", api.MessageForwardView.as_view(), name="forward"),
    path("messages/<int:message_id>/close/", api.MessageCloseView.as_view(), name="close"),
    path("messages/<int:message_id>/erase/", api.MessageEraseView.as_view(), name="erase"),
]
