"""Top-level routes: accounts, the tenant areas (/c/, /p/, /api/v1/c/), the API schema, admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from congress import api, views

# The admin is the platform superusers' tool (creating congresses); staff never use it.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_header = "履职通 平台管理"
admin.site.site_title = "履职通 平台管理"

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz", api.health, name="health"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("congress.account_urls")),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    path("c/<slug:congress_slug>/", include("congress.tenant_urls")),
    path("c/<slug:congress_slug>/deputies/", include("deputies.urls")),
    path("c/<slug:congress_slug>/deputies/import/", include("deputies.import_urls")),
    path("c/<slug:congress_slug>/", include("liaison.urls")),
    path("c/<slug:congress_slug>/print/", include("liaison.print_urls")),
    path("c/<slug:congress_slug>/messages/", include("liaison.message_urls")),
    path("c/<slug:congress_slug>/receptions/", include("liaison.reception_urls")),
    path("c/<slug:congress_slug>/projects/", include("liaison.project_urls")),
    path("c/<slug:congress_slug>/notifications/", include("congress.notification_urls")),
    path("c/<slug:congress_slug>/calendar/", include("congress.calendar_urls")),
    path("c/<slug:congress_slug>/units/", include("suggestions.unit_urls")),
    path("c/<slug:congress_slug>/suggestions/", include("suggestions.urls")),
    path("c/<slug:congress_slug>/suggestions/", include("suggestions.assign_urls")),
    path("c/<slug:congress_slug>/suggestions/setup/", include("suggestions.setup_urls")),
    path("c/<slug:congress_slug>/suggestions/paper/", include("suggestions.paper_urls")),
    path("c/<slug:congress_slug>/suggestions/", include("suggestions.file_urls")),
    path("c/<slug:congress_slug>/suggestions/statistics/", include("suggestions.stats_urls")),
    path("c/<slug:congress_slug>/my/suggestions/", include("suggestions.my_urls")),
    path("c/<slug:congress_slug>/unit-work/", include("suggestions.unit_work_urls")),
    path("c/<slug:congress_slug>/print/suggestions/", include("suggestions.print_urls")),
    path("c/<slug:congress_slug>/my/duties/", include("scoring.deputy_urls")),
    path("c/<slug:congress_slug>/duties/", include("scoring.review_urls")),
    path("c/<slug:congress_slug>/duties/", include("scoring.file_urls")),
    path("c/<slug:congress_slug>/duties/rules/", include("scoring.rule_urls")),
    path("c/<slug:congress_slug>/duties/warnings/", include("scoring.warning_urls")),
    path("c/<slug:congress_slug>/duties/rankings/", include("scoring.ranking_urls")),
    path("c/<slug:congress_slug>/exports/", include("reports.urls")),
    path("c/<slug:congress_slug>/leadership/", include("reports.dashboard_urls")),
    path("p/<slug:congress_slug>/", include("liaison.public_urls")),
    path("p/<slug:congress_slug>/feedback/", include("suggestions.public_urls")),
    path("api/v1/auth/token/", api.ObtainTokenView.as_view(), name="api_token"),
    path("api/v1/c/<slug:congress_slug>/", include("congress.api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("deputies.api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("liaison.api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("liaison.message_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("liaison.work_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("congress.notification_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("suggestions.api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("suggestions.my_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("suggestions.unit_work_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("suggestions.stats_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("suggestions.assign_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("scoring.deputy_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("scoring.review_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("scoring.warning_api_urls")),
    path("api/v1/c/<slug:congress_slug>/", include("scoring.ranking_api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]
