"""A handling unit's work: assigned suggestions, contacts, replies, follow-up."""

from django.urls import path

from suggestions import unit_work_views as views

app_name = "unit_work"

urlpatterns = [
    path("", views.unit_work_list, name="list"),
    path("follow-up/", views.unit_follow_up_list, name="follow_up"),
    path("<int:suggestion_id>/", views.unit_work_detail, name="detail"),
    path("<int:suggestion_id>/return/", views.unit_work_return, name="return"),
    path("<int:suggestion_id>/opinion/", views.unit_work_opinion, name="opinion"),
    path("<int:suggestion_id>/contact/", views.unit_work_contact, name="contact"),
    path("<int:suggestion_id>/reply/", views.unit_work_reply, name="reply"),
    path("<int:suggestion_id>/solved/", views.unit_work_solved, name="solved"),
]
