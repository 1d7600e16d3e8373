"""Staff pages: the suggestion list with supervision, a suggestion's record, and its actions.

Assignment (assign/, reassign/, extend/ under a suggestion) lives in assign_urls.py, which
shares this prefix.
"""

from django.urls import path

from suggestions import office_views as views

app_name = "suggestions"

urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("<int:suggestion_id>/", views.suggestion_detail, name="detail"),
    path("<int:suggestion_id>/accept/", views.suggestion_accept, name="accept"),
    path("<int:suggestion_id>/return/", views.suggestion_return, name="return"),
    path("<int:suggestion_id>/letter/", views.suggestion_letter, name="letter"),
    path("<int:suggestion_id>/merge/", views.suggestion_merge, name="merge"),
    path("<int:suggestion_id>/unmerge/", views.suggestion_unmerge, name="unmerge"),
    path("<int:suggestion_id>/key/", views.suggestion_key, name="key"),
    path("<int:suggestion_id>/unkey/", views.suggestion_unkey, name="unkey"),
    path("<int:suggestion_id>/supervision/", views.suggestion_supervision, name="supervision"),
    path("<int:suggestion_id>/close/", views.suggestion_close, name="close"),
]
