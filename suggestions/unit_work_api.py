"""The handling units' API: assigned suggestions, one item, and the unit's actions (return,
co-handling opinion, contact, reply with the signed letter, report solved). Refusals come back
as JSON with a Chinese message: 400, 403 for a role that may not act, 409 for a stale version."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from congress.access import require
from congress.api import CongressAPIView
from suggestions import unit_work_selectors as selectors
from suggestions import unit_work_services as services
from suggestions.access import suggestion_get
from suggestions.models import Suggestion, SuggestionReply
from suggestions.unit_work_serializers import (
    UnitContactInputSerializer,
    UnitContactSerializer,
    UnitFollowUpSerializer,
    UnitOpinionInputSerializer,
    UnitReplyInputSerializer,
    UnitReturnInputSerializer,
    UnitSolvedInputSerializer,
    UnitSuggestionDetailSerializer,
    UnitSuggestionSerializer,
)

PERMISSION = "suggestions.handle_suggestions"


class UnitSuggestionListView(CongressAPIView, generics.ListAPIView):
    required_permission = PERMISSION
    serializer_class = UnitSuggestionSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return Suggestion.objects.none()
        show = self.request.query_params.get("show", selectors.WAITING)
        if show not in selectors.LIST_FILTERS:
            show = selectors.WAITING
        return selectors.unit_work_list(membership=self.membership, show=show)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            selectors.with_days_left(page, timezone.localdate())
        return page

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "show",
                str,
                enum=list(selectors.LIST_FILTERS),
                description="waiting：等待本单位答复（默认）；replied：已答复；all：全部",
            )
        ],
        summary="本单位承办的建议（逾期的在前，再按答复期限）",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class FollowUpListView(CongressAPIView, generics.ListAPIView):
    required_permission = PERMISSION
    serializer_class = UnitFollowUpSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return SuggestionReply.objects.none()
        return selectors.unit_follow_up_list(membership=self.membership)

    @extend_schema(summary="跟踪落实清单：答复为“正在解决”、尚未报告解决的建议")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class UnitSuggestionMixin:
    def http_method_not_allowed(self, request, *args, **kwargs):
        # A missing, foreign or another unit's id is 404 whatever the method.
        if "suggestion_id" in kwargs:
            suggestion_get(request._request, kwargs["suggestion_id"])
        return super().http_method_not_allowed(request, *args, **kwargs)

    def get_suggestion(self, suggestion_id: int) -> Suggestion:
        suggestion = suggestion_get(self.request._request, suggestion_id)
        require(self.request._request, "suggestions.handle_suggestion", suggestion)
        return suggestion

    def detail(self, suggestion_id: int, *, created: bool = False) -> Response:
        suggestion = get_object_or_404(
            Suggestion.objects.select_related(
                "congress", "lead_deputy", "category", "session", "merged_into"
            ),
            pk=suggestion_id,
        )
        detail = selectors.unit_work_detail(membership=self.membership, suggestion=suggestion)
        if not detail.our_assignments:
            # Returned just now: the unit no longer sees it.
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = UnitSuggestionDetailSerializer(
            detail, context={"congress_slug": self.congress.slug}
        ).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class UnitSuggestionDetailView(UnitSuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        responses=UnitSuggestionDetailSerializer,
        summary="一件承办的建议（含附件、各单位分工、联系记录、答复及答复函、代表评价）",
    )
    def get(self, request, congress_slug: str, suggestion_id: int):
        self.get_suggestion(suggestion_id)
        return self.detail(suggestion_id)


class ReturnView(UnitSuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        request=UnitReturnInputSerializer,
        responses={204: None},
        summary="退回交办有误的建议（交办后规定工作日内、主办单位答复前，须说明理由）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        serializer = UnitReturnInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.suggestion_unit_return(
            actor=request.user,
            suggestion=suggestion,
            reason=data["reason"],
            expected_version=data.get("version"),
            assignment_id=data.get("assignment"),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class OpinionView(UnitSuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        request=UnitOpinionInputSerializer,
        responses=UnitSuggestionDetailSerializer,
        summary="协办单位向主办单位提出协办意见",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        serializer = UnitOpinionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.suggestion_co_opinion(
            actor=request.user,
            suggestion=suggestion,
            opinion=data["opinion"],
            expected_version=data.get("version"),
            assignment_id=data.get("assignment"),
        )
        return self.detail(suggestion.pk)


class ContactView(UnitSuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        request=UnitContactInputSerializer,
        responses={201: UnitContactSerializer},
        summary="记录与代表的联系（办理前、办理中、答复后）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        serializer = UnitContactInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = services.contact_log_add(
            actor=request.user, suggestion=suggestion, **serializer.validated_data
        )
        return Response(UnitContactSerializer(contact).data, status=status.HTTP_201_CREATED)


class ReplyView(UnitSuggestionMixin, CongressAPIView):
    required_permission = PERMISSION
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": UnitReplyInputSerializer},
        responses={201: UnitSuggestionDetailSerializer},
        summary="主办单位答复（答复类别、答复内容、签发的答复函文件）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        serializer = UnitReplyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.suggestion_reply(
            actor=request.user,
            suggestion=suggestion,
            reply_class=data["reply_class"],
            text=data["text"],
            letter=data["letter"],
            expected_version=data.get("version"),
        )
        return self.detail(suggestion.pk, created=True)


class SolvedView(UnitSuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        request=UnitSolvedInputSerializer,
        responses=UnitSuggestionDetailSerializer,
        summary="报告“正在解决”类答复的问题已解决（移出跟踪落实清单）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        serializer = UnitSolvedInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.suggestion_report_solved(
            actor=request.user,
            suggestion=suggestion,
            solved_on=data["solved_on"],
            note=data["note"],
            expected_version=data.get("version"),
        )
        return self.detail(suggestion.pk)
