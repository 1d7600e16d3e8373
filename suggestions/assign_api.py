"""Assignment API for committee staff: assign, reassign, extend; and the sessions and categories.
Refusals come back as JSON with a Chinese message (400; 409 for a stale version)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from congress.api import CongressAPIView
from suggestions import assign_selectors as selectors
from suggestions import assign_services as services
from suggestions import setup_selectors, setup_services
from suggestions.access import suggestion_get
from suggestions.assign_serializers import (
    AssignInputSerializer,
    CongressSessionSerializer,
    ExtendInputSerializer,
    ReassignInputSerializer,
    SuggestionCategorySerializer,
    SuggestionHandlingSerializer,
)
from suggestions.models import Suggestion


def _units(ids: list[int], field: str) -> list:
    """The active units with these ids, through the scope: any other id is a field error."""
    ids = list(dict.fromkeys(ids))
    found = {unit.pk: unit for unit in selectors.assignable_units().filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise exceptions.ValidationError(
            {field: [_("No active handling unit with the id %(id)s.") % {"id": missing[0]}]}
        )
    return [found[pk] for pk in ids]


class SuggestionActionView(CongressAPIView):
    required_permission = "suggestions.process_suggestions"
    input_serializer = AssignInputSerializer

    def http_method_not_allowed(self, request, *args, **kwargs):
        # A missing or foreign id is 404 whatever the method, as for every other page.
        suggestion_get(request._request, kwargs["suggestion_id"])
        return super().http_method_not_allowed(request, *args, **kwargs)

    def answer(self, suggestion: Suggestion) -> Response:
        suggestion = (
            Suggestion.objects.prefetch_related("assignments__unit", "extensions")
            .filter(pk=suggestion.pk)
            .get()
        )
        return Response(SuggestionHandlingSerializer(suggestion).data)

    def input(self, request):
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class AssignView(SuggestionActionView):
    input_serializer = AssignInputSerializer

    @extend_schema(
        request=AssignInputSerializer,
        responses=SuggestionHandlingSerializer,
        summary="交办建议（主办单位和协办单位；答复期限自动计算）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = suggestion_get(request._request, suggestion_id)
        data = self.input(request)
        (lead_unit,) = _units([data["lead_unit"]], "lead_unit")
        services.suggestion_assign(
            actor=request.user,
            suggestion=suggestion,
            lead_unit=lead_unit,
            co_units=_units(data["co_units"], "co_units"),
            note=data.get("note", ""),
            expected_version=data.get("version"),
        )
        return self.answer(suggestion)


class ReassignView(SuggestionActionView):
    input_serializer = ReassignInputSerializer

    @extend_schema(
        request=ReassignInputSerializer,
        responses=SuggestionHandlingSerializer,
        summary="重新交办（更换主办单位、增减协办单位，可重新起算期限）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = suggestion_get(request._request, suggestion_id)
        data = self.input(request)
        lead_unit = None
        if data.get("lead_unit"):
            (lead_unit,) = _units([data["lead_unit"]], "lead_unit")
        withdraw = list(
            selectors.active_co_units(suggestion).filter(pk__in=data["withdraw_co_units"])
        )
        if len(withdraw) != len(set(data["withdraw_co_units"])):
            raise exceptions.ValidationError(
                {"withdraw_co_units": [_("Choose only units that co-handle this suggestion now.")]}
            )
        services.suggestion_reassign(
            actor=request.user,
            suggestion=suggestion,
            reason=data["reason"],
            lead_unit=lead_unit,
            add_co_units=_units(data["add_co_units"], "add_co_units"),
            withdraw_co_units=withdraw,
            restart_deadline=data["restart_deadline"],
            expected_version=data.get("version"),
        )
        return self.answer(suggestion)


class ExtendView(SuggestionActionView):
    input_serializer = ExtendInputSerializer

    @extend_schema(
        request=ExtendInputSerializer,
        responses=SuggestionHandlingSerializer,
        summary="延长答复期限（记录批准人和理由；自交办起最长六个月）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = suggestion_get(request._request, suggestion_id)
        data = self.input(request)
        services.suggestion_extend(
            actor=request.user,
            suggestion=suggestion,
            due_on=data["due_on"],
            reason=data["reason"],
            approved_by=data["approved_by"],
            expected_version=data.get("version"),
        )
        return self.answer(suggestion)


class SessionListView(CongressAPIView):
    # Every member who reads suggestions may list the sessions; staff add them.
    required_permission = {
        "GET": "suggestions.view_suggestions",
        "POST": "suggestions.manage_sessions",
    }

    @extend_schema(responses=CongressSessionSerializer(many=True), summary="人代会会次列表")
    def get(self, request, congress_slug: str):
        return Response(CongressSessionSerializer(setup_selectors.session_list(), many=True).data)

    @extend_schema(
        request=CongressSessionSerializer,
        responses={201: CongressSessionSerializer},
        summary="新增会次",
    )
    def post(self, request, congress_slug: str):
        serializer = CongressSessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = setup_services.session_create(
            actor=request.user, congress=self.congress, **serializer.validated_data
        )
        return Response(CongressSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class CategoryListView(CongressAPIView):
    required_permission = {
        "GET": "suggestions.view_suggestions",
        "POST": "suggestions.manage_sessions",
    }

    @extend_schema(
        responses=SuggestionCategorySerializer(many=True),
        summary="建议类别列表（含已停用的，按顺序）",
    )
    def get(self, request, congress_slug: str):
        return Response(
            SuggestionCategorySerializer(setup_selectors.category_list(), many=True).data
        )

    @extend_schema(
        request=SuggestionCategorySerializer,
        responses={201: SuggestionCategorySerializer},
        summary="新增类别",
    )
    def post(self, request, congress_slug: str):
        serializer = SuggestionCategorySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = setup_services.category_create(
            actor=request.user, congress=self.congress, name=serializer.validated_data["name"]
        )
        return Response(SuggestionCategorySerializer(category).data, status=status.HTTP_201_CREATED)
