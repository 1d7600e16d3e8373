"""Ranking boards (quarter and year so far, red and black lists) and deputies' duty portraits."""

from django.urls import path

from scoring import ranking_views as views

app_name = "duty_rankings"
urlpatterns = [
    path("", views.board, name="board"),
    path("compute/", views.compute, name="compute"),
    path("<int:ranking_id>/deputies/<int:deputy_id>/", views.entry, name="entry"),
    path("portraits/<int:deputy_id>/", views.portrait, name="portrait"),
]
