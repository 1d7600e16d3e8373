"""A deputy's own suggestions on the phone: write, submit, co-sign, rate."""

from django.urls import path

from suggestions import deputy_views as views

app_name = "my_suggestions"

urlpatterns = [
    path("", views.my_list, name="list"),
    path("new/", views.my_new, name="new"),
    path("<int:suggestion_id>/", views.my_detail, name="detail"),
    path("<int:suggestion_id>/edit/", views.my_edit, name="edit"),
    path("<int:suggestion_id>/submit/", views.my_submit, name="submit"),
    path("<int:suggestion_id>/withdraw/", views.my_withdraw, name="withdraw"),
    path("<int:suggestion_id>/cosign/", views.my_cosign, name="cosign"),
    path("<int:suggestion_id>/rate/", views.my_rate, name="rate"),
    path("<int:suggestion_id>/attachments/", views.my_attachment_add, name="attachment_add"),
    path(
        "<int:suggestion_id>/attachments/<int:attachment_id>/remove/",
        views.my_attachment_remove,
        name="attachment_remove",
    ),
]
