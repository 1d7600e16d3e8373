"""The warnings API (list, one warning, recording a talk) and the rule sets for clients.
Refusals come back as JSON with a Chinese message (400)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from congress.api import CongressAPIView

from . import warning_selectors as selectors
from . import warning_services as services
from .models import (
    DutyQuarter,
    DutyWarning,
    RuleItem,
    RuleSet,
    WarningLevel,
    WarningStatus,
    WarningTalk,
)
from .selectors import parse_quarter
from .warning_serializers import (
    DutyWarningDetailSerializer,
    DutyWarningSerializer,
    RuleSetSerializer,
    WarningTalkInputSerializer,
    WarningTalkSerializer,
)

VIEW = "scoring.view_warnings"
MANAGE = "scoring.manage_warnings"


def _warning_get(warning_id: int) -> DutyWarning:
    # The scoped manager limits the lookup to this congress: another congress's id is a 404.
    return get_object_or_404(DutyWarning.objects.all(), pk=warning_id)


class WarningListView(CongressAPIView, generics.ListAPIView):
    required_permission = VIEW
    serializer_class = DutyWarningSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return DutyWarning.objects.none()
        params = self.request.query_params
        level = params.get("level", "")
        state = params.get("status", "")
        filters = selectors.WarningFilters(
            level=level if level in WarningLevel.values else "",
            status=state if state in WarningStatus.values else "",
            quarter=parse_quarter(params.get("quarter", "")),
            search=params.get("q", "").strip()[:50],
        )
        return selectors.warning_list(filters=filters)

    @extend_schema(
        parameters=[
            OpenApiParameter("level", str, enum=WarningLevel.values, description="预警等级"),
            OpenApiParameter("status", str, enum=WarningStatus.values, description="状态"),
            OpenApiParameter("quarter", str, description="产生预警的排名季度，如 2026Q1"),
            OpenApiParameter("q", str, description="代表姓名或拼音"),
        ],
        summary="履职预警列表（按排名季度倒序）",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WarningDetailView(CongressAPIView):
    required_permission = VIEW

    @extend_schema(responses=DutyWarningDetailSerializer, summary="一条履职预警及其约谈记录")
    def get(self, request, congress_slug: str, warning_id: int):
        warning = get_object_or_404(
            selectors.warning_detail(warning_id=warning_id)
            .annotate(talk_count=Count("talks"))
            .prefetch_related(
                Prefetch("talks", queryset=WarningTalk.objects.select_related("recorded_by"))
            )
        )
        return Response(DutyWarningDetailSerializer(warning).data)


class WarningTalkCreateView(CongressAPIView):
    required_permission = MANAGE

    def http_method_not_allowed(self, request, *args, **kwargs):
        # A missing or foreign id is 404 whatever the method, as for every other page.
        _warning_get(kwargs["warning_id"])
        return super().http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(
        request=WarningTalkInputSerializer,
        responses={201: WarningTalkSerializer},
        summary="记录一次约谈及其结果",
    )
    def post(self, request, congress_slug: str, warning_id: int):
        warning = _warning_get(warning_id)
        serializer = WarningTalkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        talk = services.warning_talk_record(
            actor=request.user, warning=warning, **serializer.validated_data
        )
        return Response(WarningTalkSerializer(talk).data, status=status.HTTP_201_CREATED)


def _with_quarters(rule_sets: list[RuleSet]) -> list[RuleSet]:
    """Mark each version with the quarters closed with it and whether it is in force."""
    closed = defaultdict(list)
    for rule_set_id, year, quarter in (
        DutyQuarter.objects.filter(status=DutyQuarter.Status.CLOSED, rule_set__isnull=False)
        .order_by("year", "quarter")
        .values_list("rule_set_id", "year", "quarter")
    ):
        closed[rule_set_id].append(f"{year}Q{quarter}")
    latest = dict(
        RuleSet.objects.order_by()
        .values("year")
        .annotate(top=Max("version"))
        .values_list("year", "top")
    )
    for rule_set in rule_sets:
        rule_set.closed_quarters = closed[rule_set.pk]
        rule_set.is_current = latest.get(rule_set.year) == rule_set.version
    return rule_sets


def _rule_sets():
    return RuleSet.objects.prefetch_related(
        Prefetch("items", queryset=RuleItem.objects.order_by("position", "pk"))
    ).order_by("-year", "-version")


class RuleSetListView(CongressAPIView, generics.ListAPIView):
    required_permission = "scoring.view_rules"
    serializer_class = RuleSetSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return RuleSet.objects.none()
        queryset = _rule_sets()
        year = self.request.query_params.get("year", "")
        if year.isdigit() and 2000 <= int(year) <= 2100:
            queryset = queryset.filter(year=int(year))
        return queryset

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return _with_quarters(page) if page is not None else page

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="只看这一年的规则")],
        summary="积分规则的各年各版本及其条目（新的在前）",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RuleSetDetailView(CongressAPIView):
    required_permission = "scoring.view_rules"

    @extend_schema(responses=RuleSetSerializer, summary="一个版本的积分规则及其条目")
    def get(self, request, congress_slug: str, rule_set_id: int):
        rule_set = get_object_or_404(_rule_sets(), pk=rule_set_id)
        _with_quarters([rule_set])
        return Response(RuleSetSerializer(rule_set).data)
