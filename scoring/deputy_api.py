"""The deputy's duty API: own records (list, report with photos, one), points, the categories
that can be reported, warnings. Refusals come back as JSON with a Chinese message (400; 403 for
someone else's record; 404 when the account is not linked to a deputy in the roster)."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, parsers, status
from rest_framework.response import Response

from congress.api import CongressAPIView
from congress.errors import DomainError
from congress.permissions import membership_can
from deputies.models import Deputy

from . import deputy_selectors as selectors
from . import services
from .deputy_serializers import (
    DutyRecordDetailSerializer,
    DutyRecordSerializer,
    DutyReportInputSerializer,
    MyPointsSerializer,
    MyWarningSerializer,
    ReportableItemSerializer,
)
from .models import DutyRecord
from .selectors import reportable_items

VIEW = "scoring.view_own_points"
REPORT = "scoring.report_duties"
QUARTER_PARAMETER = OpenApiParameter(
    "quarter", OpenApiTypes.STR, description="A quarter such as 2026Q1 (this quarter if left out)"
)


def _own_deputy(request) -> Deputy:
    deputy = selectors.own_deputy(user=request.user)
    if deputy is None:
        raise exceptions.NotFound(
            _(
                "Your account is not linked to a deputy in the roster yet. "
                "Ask the committee's staff to link it."
            )
        )
    return deputy


class MyDutyMixin:
    def get_serializer_context(self):
        return {**super().get_serializer_context(), "congress_slug": self.congress.slug}

    def record_response(self, record_id: int, *, created: bool = False) -> Response:
        record = get_object_or_404(selectors.record_for_page(record_id=record_id), pk=record_id)
        if not membership_can(self.membership, "scoring.view_own_record", record):
            raise exceptions.PermissionDenied(_("This is another deputy's record."))
        data = DutyRecordDetailSerializer(record, context={"congress_slug": self.congress.slug})
        return Response(
            data.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class MyDutyRecordListView(MyDutyMixin, CongressAPIView, generics.ListAPIView):
    """The account's duty records, the latest first; report a new one."""

    required_permission = {"GET": VIEW, "POST": REPORT}
    serializer_class = DutyRecordSerializer
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return DutyRecord.objects.none()
        chosen = selectors.parse_quarter(self.request.query_params.get("quarter") or "")
        year, quarter = chosen if chosen else (None, None)
        return selectors.my_records(
            user=self.request.user, year=year, quarter=quarter
        ).prefetch_related("photos")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "quarter", OpenApiTypes.STR, description="Only this quarter, e.g. 2026Q1"
            )
        ],
        summary="我的履职记录（最新的在前）",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={
            "multipart/form-data": DutyReportInputSerializer,
            "application/json": DutyReportInputSerializer,
        },
        responses={201: DutyRecordDetailSerializer},
        summary="记录一项履职（照片用 multipart 上传，最多 6 张），等待联络站审核",
    )
    def post(self, request, congress_slug: str):
        deputy = _own_deputy(request)
        serializer = DutyReportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        record = services.duty_record_report(
            actor=request.user,
            deputy=deputy,
            category=data["category"],
            occurred_on=data.get("occurred_on") or timezone.localdate(),
            description=data["description"],
            photos=data.get("photos") or [],
        )
        return self.record_response(record.pk, created=True)


class MyDutyRecordDetailView(MyDutyMixin, CongressAPIView):
    required_permission = VIEW

    @extend_schema(
        responses=DutyRecordDetailSerializer, summary="一条我的履职记录（含照片和审核经过）"
    )
    def get(self, request, congress_slug: str, record_id: int):
        return self.record_response(record_id)


class MyDutyPointsView(CongressAPIView):
    required_permission = VIEW

    @extend_schema(
        parameters=[QUARTER_PARAMETER],
        responses=MyPointsSerializer,
        summary="我的积分：本季度和本年度按类别的积分，以及最新排名",
    )
    def get(self, request, congress_slug: str):
        deputy = _own_deputy(request)
        year, quarter = selectors.chosen_quarter(request.query_params.get("quarter"))
        points, standing = selectors.points_and_standing(deputy=deputy, year=year, quarter=quarter)
        # Not in the latest ranking (or none published yet) reads as no standing at all.
        body = {**points, "standing": standing if standing and standing["quarter"] else None}
        return Response(MyPointsSerializer(body).data)


class MyDutyCategoriesView(CongressAPIView):
    required_permission = VIEW

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "date", OpenApiTypes.DATE, description="The day of the duty (today if left out)"
            )
        ],
        responses=ReportableItemSerializer(many=True),
        summary="某一天可以自己记录的履职类别",
    )
    def get(self, request, congress_slug: str):
        text = (request.query_params.get("date") or "").strip()
        try:
            day = date.fromisoformat(text) if text else timezone.localdate()
        except ValueError as error:
            raise DomainError(_("Enter a date like 2026-05-01."), field="date") from error
        items = reportable_items(day=day)
        return Response(ReportableItemSerializer(items, many=True).data)


class MyDutyWarningsView(CongressAPIView):
    required_permission = VIEW

    @extend_schema(responses=MyWarningSerializer(many=True), summary="我的预警（未解除的在前）")
    def get(self, request, congress_slug: str):
        warnings = selectors.my_warnings(user=request.user)
        return Response(MyWarningSerializer(warnings, many=True).data)
