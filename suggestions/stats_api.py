"""The statistics endpoint: the dashboard's figures as JSON, with the same filters."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from congress.api import CongressAPIView
from congress.errors import DomainError
from suggestions.models import SuggestionKind
from suggestions.stats_selectors import RECESS, Figures, StatisticsFilter, statistics


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string", "enum": [RECESS]}], "nullable": True}
)
class FigureKeyField(serializers.Field):
    """A session, unit or category id (a number), “recess”, or null for the total."""

    def to_representation(self, value):
        return value


class FiguresSerializer(serializers.Serializer):
    key = FigureKeyField(help_text="session id, “recess”, unit or category id")
    label = serializers.CharField()
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    letters = serializers.IntegerField()
    assigned = serializers.IntegerField()
    replied = serializers.IntegerField()
    on_time = serializers.IntegerField()
    closed_late = serializers.IntegerField()
    open_overdue = serializers.IntegerField()
    late = serializers.IntegerField()
    overdue_open = serializers.IntegerField()
    solved_class = serializers.IntegerField()
    first_rated = serializers.IntegerField()
    first_satisfied = serializers.IntegerField()
    final_rated = serializers.IntegerField()
    final_satisfied = serializers.IntegerField()
    rehandled = serializers.IntegerField()
    key_supervised = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    solved_rate = serializers.FloatField(allow_null=True)
    first_satisfaction_rate = serializers.FloatField(allow_null=True)
    final_satisfaction_rate = serializers.FloatField(allow_null=True)


class StatisticsSerializer(serializers.Serializer):
    counted_on = serializers.DateField()
    solved_reply_class = serializers.CharField()
    total = FiguresSerializer()
    by_session = FiguresSerializer(many=True)
    by_unit = FiguresSerializer(many=True)
    by_category = FiguresSerializer(many=True)
    by_status = serializers.DictField(child=serializers.IntegerField())


def _figures(figures: Figures) -> dict:
    values = figures.as_dict()
    values["key_supervised"] = values.pop("key")
    return {"key": figures.key_value, "label": figures.label, **values}


def _filters(params) -> StatisticsFilter:
    session = (params.get("session") or "").strip()
    year = (params.get("year") or "").strip()
    kind = (params.get("kind") or "").strip()
    if session and session != RECESS and not re.fullmatch(r"[0-9]{1,9}", session):
        raise DomainError(_("Choose a session by its number, or “recess”."), field="session")
    if year and not (re.fullmatch(r"[0-9]{4}", year) and 1949 <= int(year) <= 2100):
        raise DomainError(_("Give the year as four digits."), field="year")
    if kind and kind not in SuggestionKind.values:
        raise DomainError(_("No such type of suggestion."), field="kind")
    return StatisticsFilter(
        session=int(session) if session and session != RECESS else (session or None),
        year=int(year) if year else None,
        kind=kind,
    )


class StatisticsView(CongressAPIView):
    required_permission = "suggestions.view_statistics"

    @extend_schema(
        parameters=[
            OpenApiParameter("session", OpenApiTypes.STR, description="session id, or “recess”"),
            OpenApiParameter("year", OpenApiTypes.INT),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=SuggestionKind.values),
        ],
        responses=StatisticsSerializer,
        summary="代表建议统计（按届次会议、主办单位、类别）",
    )
    def get(self, request, congress_slug: str):
        stats = statistics(congress=self.congress, filters=_filters(request.query_params))
        recess_label = _("Recess")
        by_session = [_figures(row) for row in stats.by_session]
        for row in by_session:
            if row["key"] == RECESS:
                row["label"] = recess_label
        return Response(
            {
                "counted_on": stats.today,
                "solved_reply_class": stats.solved_class,
                "total": _figures(stats.total),
                "by_session": by_session,
                "by_unit": [_figures(row) for row in stats.by_unit],
                "by_category": [_figures(row) for row in stats.by_category],
                "by_status": {status: count for status, _label, count in stats.by_status},
            }
        )
