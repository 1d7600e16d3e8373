"""The deputy's duty API: own records (create with photos, list), own points and warnings."""

from django.urls import path

from scoring import deputy_api as api

app_name = "my_duties_api"

urlpatterns = [
    path("my/duties/records/", api.MyDutyRecordListView.as_view(), name="records"),
    path(
        "my/duties/records/<int:record_id>/",
        api.MyDutyRecordDetailView.as_view(),
        name="record",
    ),
    path("my/duties/points/", api.MyDutyPointsView.as_view(), name="points"),
    path("my/duties/categories/", api.MyDutyCategoriesView.as_view(), name="categories"),
    path("my/duties/warnings/", api.MyDutyWarningsView.as_view(), name="warnings"),
]
