"""Staff entering from paper: a suggestion, a unit's signed reply, the deputies' ratings."""

from django.urls import path

from suggestions import paper_entry_views, paper_views

app_name = "suggestion_paper"

urlpatterns = [
    path("new/", paper_views.paper_new, name="new"),
    path("<int:suggestion_id>/reply/", paper_entry_views.paper_reply, name="reply"),
    path("<int:suggestion_id>/rating/", paper_entry_views.paper_rating, name="rating"),
]
