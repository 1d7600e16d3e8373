"""The staff API for suggestions: the supervision list with its filters, a suggestion's full
record, and the staff's actions (accept, return, letter, merge, key supervision, supervision
entries, closing an unrated reply). Refusals come back as JSON: 403 for a role that may not act,
409 for a stale version, 400 for the rest."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response

from congress.api import CongressAPIView
from congress.errors import DomainError
from suggestions import office_selectors as selectors
from suggestions import office_services as services
from suggestions.models import Suggestion
from suggestions.office_forms import SuggestionFilterForm
from suggestions.selectors import suggestion_visible
from suggestions.serializers import (
    StaffKeySerializer,
    StaffMergeSerializer,
    StaffNoteSerializer,
    StaffReasonSerializer,
    StaffSuggestionRecordSerializer,
    StaffSuggestionRowSerializer,
    StaffSupervisionEntrySerializer,
    StaffSupervisionWriteSerializer,
)

BROWSE = "suggestions.browse_suggestions"
PROCESS = "suggestions.process_suggestions"

LIST_PARAMETERS = [
    OpenApiParameter("q", str, description="标题、编号或领衔代表姓名"),
    OpenApiParameter("status", str, description="状态"),
    OpenApiParameter("kind", str, description="suggestion（建议）或 motion（议案）"),
    OpenApiParameter("session", str, description="会议 id，或 recess（闭会期间）"),
    OpenApiParameter("category", int, description="类别 id"),
    OpenApiParameter("unit", int, description="主办单位 id（当前有效的主办交办）"),
    OpenApiParameter("key", bool, description="只看重点督办"),
    OpenApiParameter("overdue", bool, description="只看已逾期"),
    OpenApiParameter("due_within", int, description="只看在这么多天内到期的"),
]


def _suggestion(view: CongressAPIView, suggestion_id: int) -> Suggestion:
    """Through the visibility selector: one the member may not read is simply not found."""
    return get_object_or_404(
        suggestion_visible(membership=view.membership).select_related(
            "congress", "lead_deputy", "category", "session", "merged_into"
        ),
        pk=suggestion_id,
    )


def _record(view: CongressAPIView, suggestion_id: int) -> dict:
    suggestion = _suggestion(view, suggestion_id)
    record = selectors.suggestion_record(suggestion=suggestion)
    suggestion.lead_assignments = [
        assignment
        for assignment in record["assignments"]
        if assignment.role == "lead" and assignment.status == "active"
    ]
    selectors.decorate_rows([suggestion])
    return StaffSuggestionRecordSerializer(suggestion, context={"record": record}).data


class SuggestionListView(CongressAPIView, generics.ListAPIView):
    required_permission = BROWSE
    serializer_class = StaffSuggestionRowSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return Suggestion.objects.none()
        form = SuggestionFilterForm(self.request.query_params, choices=selectors.filter_choices())
        return selectors.suggestion_list(membership=self.membership, filters=form.filters())

    def list(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        rows = selectors.decorate_rows(page if page is not None else queryset)
        data = StaffSuggestionRowSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        parameters=LIST_PARAMETERS,
        summary="建议督办列表（办理中的按答复期限排在前，逾期最先）",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class SuggestionDetailView(CongressAPIView):
    required_permission = BROWSE

    @extend_schema(
        responses=StaffSuggestionRecordSerializer,
        summary="一件建议的完整记录（附议、附件、交办、延期、沟通、答复、评价、督办、经过）",
    )
    def get(self, request, congress_slug: str, suggestion_id: int):
        return Response(_record(self, suggestion_id))


class SuggestionActionView(CongressAPIView):
    """A staff action: POST only, answered with the suggestion's record as it is now.

    Asked with another method, it still looks the suggestion up, so another congress's id is a
    404 as everywhere else, not a 405 that would tell it exists.
    """

    required_permission = PROCESS
    body = StaffNoteSerializer

    def run(self, suggestion: Suggestion, data: dict, version: int | None):
        raise NotImplementedError

    def http_method_not_allowed(self, request, *args, **kwargs):
        _suggestion(self, kwargs["suggestion_id"])
        return super().http_method_not_allowed(request, *args, **kwargs)

    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = _suggestion(self, suggestion_id)
        body = self.body(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        version = data.pop("version", None)
        result = self.run(suggestion, data, version)
        return self.answer(result, suggestion_id)

    def answer(self, result, suggestion_id: int):
        return Response(_record(self, suggestion_id))


def _action(name: str, body, summary: str, call):
    view = type(
        name,
        (SuggestionActionView,),
        {
            "body": body,
            "run": lambda self, suggestion, data, version: call(
                actor=self.request.user,
                suggestion=suggestion,
                expected_version=version,
                **data,
            ),
            "__doc__": summary,
        },
    )
    view.post = extend_schema(
        request=body, responses=StaffSuggestionRecordSerializer, summary=summary
    )(view.post)
    return view


AcceptView = _action(
    "AcceptView",
    StaffNoteSerializer,
    "受理（按会议或闭会年度依次编号）",
    services.suggestion_accept,
)
ReturnView = _action(
    "ReturnView", StaffReasonSerializer, "退回代表修改（须写明理由）", services.suggestion_return
)
LetterView = _action(
    "LetterView", StaffReasonSerializer, "转为参阅件（须写明理由）", services.suggestion_make_letter
)
UnmergeView = _action(
    "UnmergeView", StaffNoteSerializer, "取消并案（交办之前）", services.suggestion_unmerge
)
KeyView = _action(
    "KeyView",
    StaffKeySerializer,
    "列为重点督办（须有牵头领导和督办的常委会领导），或修改二者",
    services.suggestion_mark_key,
)
UnkeyView = _action(
    "UnkeyView", StaffNoteSerializer, "取消重点督办", services.suggestion_unmark_key
)
CloseView = _action(
    "CloseView",
    StaffNoteSerializer,
    "代表 30 天以上未评价的答复，由工作人员办结",
    services.suggestion_close_unrated,
)


class MergeView(SuggestionActionView):
    """并案：本件与主办建议一并办理（均须已受理、未交办）。"""

    body = StaffMergeSerializer

    def run(self, suggestion, data, version):
        # The main one is fetched through the same visibility: another congress's is a 400.
        try:
            main = _suggestion(self, data.pop("main"))
        except Http404:
            raise DomainError(
                _("Choose the suggestion to handle it together with."), field="main"
            ) from None
        return services.suggestion_merge(
            actor=self.request.user,
            suggestion=suggestion,
            main=main,
            expected_version=version,
            **data,
        )

    @extend_schema(
        request=StaffMergeSerializer,
        responses=StaffSuggestionRecordSerializer,
        summary="并案：本件与主办建议一并办理（均须已受理、未交办）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        return super().post(request, congress_slug, suggestion_id)


class SupervisionView(SuggestionActionView):
    body = StaffSupervisionWriteSerializer

    def run(self, suggestion, data, version):
        return services.supervision_entry_add(
            actor=self.request.user,
            suggestion=suggestion,
            expected_version=version,
            kind=data["kind"],
            entry_date=data["date"],
            text=data["text"],
        )

    def answer(self, result, suggestion_id: int):
        return Response(StaffSupervisionEntrySerializer(result).data, status=201)

    @extend_schema(
        request=StaffSupervisionWriteSerializer,
        responses={201: StaffSupervisionEntrySerializer},
        summary="记录一次督办走访或一条督办备注",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        return super().post(request, congress_slug, suggestion_id)
