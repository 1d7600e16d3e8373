"""The rankings API: the snapshots, a snapshot's entries (filtered, paginated) and its red and
black lists, and a deputy's line traced to the records behind it. Read-only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response

from congress.api import CongressAPIView
from deputies.models import Deputy, DeputyLevel
from liaison.models import DeputyGroup, LiaisonStation

from . import ranking_selectors as selectors
from .models import Period, Ranking, RankingEntry, RankingRollup, RollupKind
from .ranking_serializers import (
    RankingEntryQuerySerializer,
    RankingEntrySerializer,
    RankingRollupQuerySerializer,
    RankingRollupSerializer,
    RankingSerializer,
    RankingTraceSerializer,
)

VIEW = "scoring.view_rankings"


class RankingListView(CongressAPIView, generics.ListAPIView):
    required_permission = VIEW
    serializer_class = RankingSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return Ranking.objects.none()
        return selectors.ranking_list()

    @extend_schema(summary="已发布的季度排名（最新的在前）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RankingMixin:
    def get_ranking(self) -> Ranking:
        # Through the scope: another congress's ranking is a 404.
        return get_object_or_404(
            Ranking.objects.select_related("rule_set"), pk=self.kwargs["ranking_id"]
        )


class RankingEntryListView(RankingMixin, CongressAPIView, generics.ListAPIView):
    required_permission = VIEW
    serializer_class = RankingEntrySerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return RankingEntry.objects.none()
        self.ranking = self.get_ranking()
        query = RankingEntryQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if data.get("group") and not DeputyGroup.objects.filter(pk=data["group"]).exists():
            raise exceptions.ValidationError({"group": [_("No such deputy group.")]})
        if data.get("station") and not LiaisonStation.objects.filter(pk=data["station"]).exists():
            raise exceptions.ValidationError({"station": [_("No such liaison station.")]})
        self.filters = selectors.EntryFilters(
            period=data.get("period") or Period.QUARTER,
            group_id=data.get("group"),
            station_id=data.get("station"),
            level=data.get("level", ""),
            q=data.get("q", ""),
        )
        return selectors.ranking_entries(ranking=self.ranking, filters=self.filters)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            categories = selectors.ranking_categories(
                ranking=self.ranking, period=self.filters.period
            )
            page = selectors.decorate_entries(
                page, ranking=self.ranking, period=self.filters.period, categories=categories
            )
        return page

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, enum=Period.values, description="默认 quarter"
            ),
            OpenApiParameter("group", OpenApiTypes.INT, description="代表小组 id"),
            OpenApiParameter("station", OpenApiTypes.INT, description="联络站 id"),
            OpenApiParameter("level", OpenApiTypes.STR, enum=DeputyLevel.values),
            OpenApiParameter("q", OpenApiTypes.STR, description="姓名、拼音首字母或全拼"),
        ],
        summary="一期排名的代表积分（名次、分类积分、较上季度变化、预警），分页",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RollupListView(RankingMixin, CongressAPIView, generics.ListAPIView):
    required_permission = VIEW
    serializer_class = RankingRollupSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return RankingRollup.objects.none()
        ranking = self.get_ranking()
        query = RankingRollupQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.rollup_list(
            ranking=ranking,
            period=query.validated_data.get("period") or Period.QUARTER,
            kind=query.validated_data.get("kind") or RollupKind.GROUP,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=RollupKind.values, description="默认 group"
            ),
            OpenApiParameter(
                "period", OpenApiTypes.STR, enum=Period.values, description="默认 quarter"
            ),
        ],
        summary="黑红榜：代表小组或联络站按人均积分的排名",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DeputyTraceView(RankingMixin, CongressAPIView):
    required_permission = VIEW

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, enum=Period.values, description="默认 quarter"
            ),
        ],
        responses=RankingTraceSerializer,
        summary="一名代表在一期排名中的积分：分类原始分、封顶后得分，及其依据的履职记录",
    )
    def get(self, request, congress_slug: str, ranking_id: int, deputy_id: int):
        ranking = self.get_ranking()
        deputy = get_object_or_404(Deputy.objects.all(), pk=deputy_id)
        query = RankingRollupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data.get("period") or Period.QUARTER
        trace = selectors.deputy_trace(ranking=ranking, deputy=deputy, period=period)
        return Response(RankingTraceSerializer(trace).data)
