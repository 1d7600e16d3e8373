"""Printable QR cards and posters, under /c/<congress_slug>/print/."""

from django.urls import path

from liaison import print_views

app_name = "print"

urlpatterns = [
    path("deputies/<int:deputy_id>/card/", print_views.deputy_card, name="deputy_card"),
    path("deputies/<int:deputy_id>/rotate/", print_views.deputy_rotate, name="deputy_rotate"),
    path("stations/<int:station_id>/poster/", print_views.station_poster, name="station_poster"),
    path("stations/<int:station_id>/rotate/", print_views.station_rotate, name="station_rotate"),
]
