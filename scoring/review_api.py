"""The review API for staff: records to audit, batch approve and reject, batch entry, quarters.

Ids in a body go through `duty_record_reviewable` or `deputy_visible` first: a record the
member may not audit is counted as left, a deputy they may not enter for is a field error.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response

from congress.api import CongressAPIView
from deputies.selectors import deputy_visible
from scoring import review_selectors as selectors
from scoring import services
from scoring.models import DutyRecord, RecordStatus
from scoring.review_forms import ids_from
from scoring.review_serializers import (
    AuditResultSerializer,
    EntryInputSerializer,
    EntryResultSerializer,
    QuarterSerializer,
    RecordIdsSerializer,
    RejectInputSerializer,
    ReviewRecordSerializer,
)
from scoring.selectors import duty_record_reviewable, parse_quarter

REVIEW = "scoring.review_records"

LIST_PARAMETERS = [
    OpenApiParameter(
        "status", str, description="submitted（待审核，默认）、approved、rejected、confirmed 或 all"
    ),
    OpenApiParameter("quarter", str, description="季度，如 2026Q1；无法识别时不筛选"),
    OpenApiParameter("category", str, description="类别代码"),
    OpenApiParameter("station", int, description="联络站 id"),
    OpenApiParameter("q", str, description="代表姓名、拼音首字母或手机号开头"),
]


class ReviewRecordListView(CongressAPIView, generics.ListAPIView):
    required_permission = REVIEW
    serializer_class = ReviewRecordSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "congress_slug": self.kwargs["congress_slug"]}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return DutyRecord.objects.none()
        params = self.request.query_params
        status = params.get("status", RecordStatus.SUBMITTED)
        if status == "all":
            status = ""
        elif status not in RecordStatus.values:
            raise exceptions.ValidationError({"status": [_("Unknown status.")]})
        year, quarter = parse_quarter(params.get("quarter", "")) or (None, None)
        station = ids_from([params.get("station", "")])
        filters = selectors.ReviewFilters(
            year=year,
            quarter=quarter,
            category=params.get("category", "").strip()[:30],
            station_id=station[0] if station else None,
            search=params.get("q", "").strip()[:50],
        )
        return selectors.review_records(membership=self.membership, filters=filters, status=status)

    @extend_schema(parameters=LIST_PARAMETERS, summary="审核范围内的履职记录（默认只列待审核的）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _reviewable_ids(view: CongressAPIView, ids: list[int]) -> list[int]:
    return list(
        duty_record_reviewable(membership=view.membership)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )


class ApproveView(CongressAPIView):
    required_permission = REVIEW

    @extend_schema(
        request=RecordIdsSerializer,
        responses=AuditResultSerializer,
        summary="批量审核通过（只处理待审核且在审核范围内的记录）",
    )
    def post(self, request, congress_slug: str):
        body = RecordIdsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        asked = list(dict.fromkeys(body.validated_data["ids"]))
        allowed = _reviewable_ids(self, asked)
        done = services.duty_records_approve(actor=request.user, records=allowed) if allowed else 0
        return Response(AuditResultSerializer({"done": done, "left": len(asked) - done}).data)


class RejectView(CongressAPIView):
    required_permission = REVIEW

    @extend_schema(
        request=RejectInputSerializer,
        responses=AuditResultSerializer,
        summary="批量退回并说明理由（代表会收到通知）",
    )
    def post(self, request, congress_slug: str):
        body = RejectInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        asked = list(dict.fromkeys(body.validated_data["ids"]))
        allowed = _reviewable_ids(self, asked)
        done = 0
        if allowed:
            done = services.duty_records_reject(
                actor=request.user, records=allowed, reason=body.validated_data["reason"]
            )
        return Response(AuditResultSerializer({"done": done, "left": len(asked) - done}).data)


class EnterView(CongressAPIView):
    required_permission = "scoring.enter_records"

    @extend_schema(
        request=EntryInputSerializer,
        responses={201: EntryResultSerializer},
        summary="为多位代表批量录入同一项履职（如会议签到名单），无需审核",
    )
    def post(self, request, congress_slug: str):
        body = EntryInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        ids = list(dict.fromkeys(data["deputy_ids"]))
        found = {
            deputy.pk: deputy
            for deputy in deputy_visible(membership=self.membership).filter(pk__in=ids)
        }
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise exceptions.ValidationError(
                {
                    "deputy_ids": [
                        _("No deputy you may enter records for has the id %(id)s.")
                        % {"id": missing[0]}
                    ]
                }
            )
        created, skipped = services.duty_records_enter(
            actor=request.user,
            deputies=[found[pk] for pk in ids],
            category=data["category"],
            occurred_on=data["occurred_on"],
            description=data["description"],
        )
        result = {"created": [record.pk for record in created], "skipped": skipped}
        return Response(EntryResultSerializer(result).data, status=201)


class QuarterListView(CongressAPIView):
    required_permission = "scoring.close_quarters"

    @extend_schema(
        responses=QuarterSerializer(many=True),
        summary="今年和去年各季度：各状态记录数、是否已结束确认、由谁何时结束",
    )
    def get(self, request, congress_slug: str):
        return Response(QuarterSerializer(selectors.quarter_overview(), many=True).data)
