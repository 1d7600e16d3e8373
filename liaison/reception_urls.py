"""Reception days, under /c/<congress_slug>/receptions/."""

from django.urls import path

from liaison import reception_views as views

app_name = "receptions"

urlpatterns = [
    path("", views.reception_list, name="list"),
    path("new/", views.reception_create, name="create"),
    path("<int:reception_id>/", views.reception_detail, name="detail"),
    path("<int:reception_id>/edit/", views.reception_update, name="update"),
    path("<int:reception_id>/cancel/", views.reception_cancel, name="cancel"),
    path("<int:reception_id>/attendance/", views.reception_attendance, name="attendance"),
    path("schedules/", views.schedule_list, name="schedule_list"),
    path("schedules/new/", views.schedule_create, name="schedule_create"),
    path("schedules/<int:schedule_id>/", views.schedule_update, name="schedule_update"),
]
