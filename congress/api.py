"""The API base (permission class, error format) and the tenant app's endpoints."""

from __future__ import annotations

import django_filters
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from congress import selectors, services
from congress.errors import DomainError
from congress.models import JobRun, Membership, Role
from congress.otp import TokenRequestSerializer
from congress.permissions import PERMISSIONS, membership_can
from congress.serializers import (
    CongressSerializer,
    CongressSettingsSerializer,
    JobRunSerializer,
    MembershipSerializer,
    MeSerializer,
)


def exception_handler(error, context):
    """Business-rule refusals become 400 with a Chinese message; the rest as DRF answers them."""
    if isinstance(error, DomainError):
        body = {"detail": error.message, "code": error.code}
        if error.field:
            body["field"] = error.field
        codes = {"forbidden": status.HTTP_403_FORBIDDEN, "conflict": status.HTTP_409_CONFLICT}
        return Response(body, status=codes.get(error.code, status.HTTP_400_BAD_REQUEST))
    return drf_exception_handler(error, context)


class HasCongressPermission(permissions.BasePermission):
    """Requires the view's `required_permission` (by HTTP method) for the member's role."""

    def has_permission(self, request, view) -> bool:
        membership = getattr(request._request, "membership", None)
        needed = view.get_required_permission(request.method)
        return needed is not None and membership_can(membership, needed)


class CongressAPIView(APIView):
    """Base of every tenant endpoint: the middleware has checked membership and opened the scope.

    `required_permission` is a permission name, or a dict from HTTP method to one.
    """

    permission_classes = [permissions.IsAuthenticated, HasCongressPermission]
    required_permission: str | dict[str, str] = ""

    def get_required_permission(self, method: str) -> str | None:
        if isinstance(self.required_permission, dict):
            if method in ("HEAD", "OPTIONS"):
                method = "GET"
            return self.required_permission.get(method)
        return self.required_permission or None

    @property
    def congress(self):
        return self.request._request.congress

    @property
    def membership(self):
        return self.request._request.membership


class MeView(CongressAPIView):
    required_permission = "congress.view_home"

    @extend_schema(responses=MeSerializer, summary="当前用户在本常委会的身份与权限")
    def get(self, request, congress_slug: str):
        membership = self.membership
        data = {
            "user": membership.user,
            "congress": self.congress,
            "role": membership.role,
            "role_display": membership.get_role_display(),
            "permissions": sorted(p for p in PERMISSIONS if membership_can(membership, p)),
        }
        return Response(MeSerializer(data).data)


class CongressView(CongressAPIView):
    required_permission = {"GET": "congress.view_home", "PATCH": "congress.change_settings"}

    @extend_schema(responses=CongressSerializer, summary="本常委会及其设置")
    def get(self, request, congress_slug: str):
        return Response(CongressSerializer(self.congress).data)

    @extend_schema(
        request=CongressSettingsSerializer, responses=CongressSerializer, summary="修改设置"
    )
    def patch(self, request, congress_slug: str):
        serializer = CongressSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        congress = services.congress_update_settings(
            actor=request.user, congress=self.congress, **serializer.validated_data
        )
        return Response(CongressSerializer(congress).data)


class MemberFilter(django_filters.FilterSet):
    # Declared explicitly: a generated FilterSet would query at import, outside any scope.
    role = django_filters.ChoiceFilter(choices=Role.choices)
    q = django_filters.CharFilter(method="filter_search", label="姓名、用户名或手机号")

    class Meta:
        model = Membership
        fields = ["role", "q"]

    def filter_search(self, queryset, name, value):
        return selectors.member_search(queryset, value.strip())


class MemberListView(CongressAPIView, generics.ListAPIView):
    required_permission = "congress.view_members"
    serializer_class = MembershipSerializer
    filterset_class = MemberFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return Membership.objects.none()
        return selectors.member_list(congress=self.congress)


class JobRunView(CongressAPIView):
    required_permission = "congress.view_home"

    @extend_schema(responses=JobRunSerializer, summary="后台任务的进度")
    def get(self, request, congress_slug: str, job_run_id: int):
        job_run = get_object_or_404(JobRun.objects.all(), pk=job_run_id)
        if not membership_can(self.membership, "congress.view_job_run", job_run):
            raise exceptions.PermissionDenied(_("You may only follow jobs you started."))
        return Response(JobRunSerializer(job_run).data)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (lockouts apply as on the sign-in page).

    With two-step sign-in on, the current one-time code goes in `otp_token` as well.
    """

    serializer_class = TokenRequestSerializer

    @extend_schema(responses=TokenResponseSerializer, summary="用用户名和密码换取接口令牌")
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and container health checks: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
