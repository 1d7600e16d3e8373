"""The review API: records awaiting audit, batch approve and reject, batch entry, quarters."""

from django.urls import path

from scoring import review_api as api

app_name = "duty_review_api"

urlpatterns = [
    path("duties/review/records/", api.ReviewRecordListView.as_view(), name="records"),
    path("duties/review/approve/", api.ApproveView.as_view(), name="approve"),
    path("duties/review/reject/", api.RejectView.as_view(), name="reject"),
    path("duties/review/enter/", api.EnterView.as_view(), name="enter"),
    path("duties/review/quarters/", api.QuarterListView.as_view(), name="quarters"),
]
