"""Downloads of attachments and reply letters (never public media URLs)."""

from django.urls import path

from suggestions import file_views

app_name = "suggestion_files"

urlpatterns = [
    path(
        "<int:suggestion_id>/files/<int:attachment_id>/",
        file_views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:suggestion_id>/letters/<int:reply_id>/",
        file_views.reply_letter_download,
        name="reply_letter",
    ),
]
