"""The deputy's suggestion API: their own suggestions (led and co-signed), drafts, submission,
withdrawal, co-signing and rating. Lifecycle refusals come back as JSON with a Chinese message
(400; 403 for a role that may not; 409 for a stale version)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from congress.api import CongressAPIView
from congress.errors import DomainError
from congress.permissions import membership_can
from suggestions import deputy_selectors as selectors
from suggestions import feedback_services, submit_services
from suggestions.models import CosignerStatus, Suggestion
from suggestions.my_serializers import (
    MyCosignInputSerializer,
    MyDraftInputSerializer,
    MyRateInputSerializer,
    MySuggestionDetailSerializer,
    MySuggestionSerializer,
    MyVersionInputSerializer,
    MyWithdrawInputSerializer,
)
from suggestions.selectors import suggestion_visible

PERMISSION = "suggestions.view_own_suggestions"


class MySuggestionMixin:
    def http_method_not_allowed(self, request, *args, **kwargs):
        # A missing or foreign id is 404 whatever the method, as for every other endpoint.
        if "suggestion_id" in kwargs:
            self.get_suggestion(kwargs["suggestion_id"])
        return super().http_method_not_allowed(request, *args, **kwargs)

    def get_suggestion(self, suggestion_id: int) -> Suggestion:
        return get_object_or_404(
            suggestion_visible(membership=self.membership).select_related(
                "congress", "lead_deputy", "category", "session"
            ),
            pk=suggestion_id,
        )

    def detail(self, suggestion: Suggestion, *, created: bool = False) -> Response:
        suggestion = self.get_suggestion(suggestion.pk)
        user = self.request.user
        parts = selectors.suggestion_parts(suggestion=suggestion)
        for row in (*parts["attachments"], *parts["replies"]):
            row.suggestion = suggestion
        mine = selectors.my_cosigner_row(suggestion=suggestion, user=user)
        suggestion.next_step = str(selectors.NEXT_STEPS.get(suggestion.status, ""))
        suggestion.is_lead = membership_can(
            self.membership, "suggestions.edit_suggestion", suggestion
        )
        suggestion.attachment_rows = parts["attachments"]
        suggestion.cosigner_rows = parts["cosigners"]
        suggestion.reply_rows = parts["replies"]
        suggestion.my_feedback = [row for row in parts["feedback"] if row.deputy.user_id == user.pk]
        suggestion.awaiting_my_rating = (
            selectors.my_pending_feedback(suggestion=suggestion, user=user) is not None
        )
        suggestion.my_cosign_status = mine.status if mine else None
        data = MySuggestionDetailSerializer(suggestion).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _draft_fields(data: dict) -> dict:
    return {
        name: data.get(name)
        for name in (
            "kind",
            "session",
            "title",
            "content",
            "category",
            "source",
            "source_message",
            "source_reception",
            "source_reference",
        )
    }


class MySuggestionListView(MySuggestionMixin, CongressAPIView, generics.ListAPIView):
    """The suggestions the deputy leads or co-signs, the newest first."""

    required_permission = PERMISSION
    serializer_class = MySuggestionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return Suggestion.objects.none()
        return selectors.my_suggestion_list(user=self.request.user)

    @extend_schema(summary="我领衔和附议的建议")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=MyDraftInputSerializer,
        responses={201: MySuggestionDetailSerializer},
        summary="新建建议草稿（本人领衔）",
    )
    def post(self, request, congress_slug: str):
        deputy = selectors.own_deputy(user=request.user)
        if deputy is None:
            raise DomainError(
                _(
                    "Your account is not linked to a deputy in the roster yet. "
                    "Ask the committee's staff to link it."
                ),
                code="forbidden",
            )
        serializer = MyDraftInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        suggestion = submit_services.suggestion_save_draft(
            actor=request.user,
            congress=self.congress,
            lead_deputy=deputy,
            cosigners=data["cosigners"],
            **_draft_fields(data),
        )
        return self.detail(suggestion, created=True)


class MySuggestionDetailView(MySuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        responses=MySuggestionDetailSerializer, summary="一条我的建议（含附件、答复和评价）"
    )
    def get(self, request, congress_slug: str, suggestion_id: int):
        return self.detail(self.get_suggestion(suggestion_id))

    @extend_schema(
        request=MyDraftInputSerializer,
        responses=MySuggestionDetailSerializer,
        summary="修改草稿或退回的建议（只传要改的字段；带上 version）",
    )
    def patch(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        if request.data.get("version") in (None, ""):
            # The unchanged fields are filled in from this read: only the version proves that
            # nobody changed them meanwhile, so a change without it could overwrite silently.
            raise DomainError(
                _("Send the version of the suggestion you are changing."), field="version"
            )
        current = {
            "kind": suggestion.kind,
            "title": suggestion.title,
            "content": suggestion.content,
            "category": suggestion.category_id,
            "session": suggestion.session_id,
            "source": suggestion.source,
            "source_message": suggestion.source_message_id,
            "source_reception": suggestion.source_reception_id,
            "source_reference": suggestion.source_reference,
            "cosigners": list(
                suggestion.cosigners.exclude(status=CosignerStatus.DECLINED).values_list(
                    "deputy_id", flat=True
                )
            ),
        }
        serializer = MyDraftInputSerializer(data={**current, **request.data})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        suggestion = submit_services.suggestion_save_draft(
            actor=request.user,
            congress=self.congress,
            suggestion=suggestion,
            cosigners=data["cosigners"],
            expected_version=data.get("version"),
            **_draft_fields(data),
        )
        return self.detail(suggestion)


class MySuggestionSubmitView(MySuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        request=MyVersionInputSerializer,
        responses=MySuggestionDetailSerializer,
        summary="提交建议（议案须达到附议人数）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        serializer = MyVersionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submit_services.suggestion_submit(
            actor=request.user,
            suggestion=suggestion,
            expected_version=serializer.validated_data.get("version"),
        )
        return self.detail(suggestion)


class MySuggestionWithdrawView(MySuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        request=MyWithdrawInputSerializer,
        responses=MySuggestionDetailSerializer,
        summary="撤回建议",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        serializer = MyWithdrawInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submit_services.suggestion_withdraw(
            actor=request.user,
            suggestion=suggestion,
            reason=serializer.validated_data["reason"],
            expected_version=serializer.validated_data.get("version"),
        )
        return self.detail(suggestion)


class MySuggestionCosignView(MySuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        request=MyCosignInputSerializer,
        responses=MySuggestionDetailSerializer,
        summary="确认或谢绝附议",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        serializer = MyCosignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submit_services.suggestion_cosign_respond(
            actor=request.user,
            suggestion=suggestion,
            confirm=serializer.validated_data["decision"] == "confirm",
        )
        return self.detail(suggestion)


class MySuggestionRateView(MySuggestionMixin, CongressAPIView):
    required_permission = PERMISSION

    @extend_schema(
        request=MyRateInputSerializer,
        responses=MySuggestionDetailSerializer,
        summary="评价答复（不满意须说明理由）",
    )
    def post(self, request, congress_slug: str, suggestion_id: int):
        suggestion = self.get_suggestion(suggestion_id)
        serializer = MyRateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        feedback = selectors.my_pending_feedback(suggestion=suggestion, user=request.user)
        if feedback is None:
            raise DomainError(_("There is no reply waiting for your rating."), code="status")
        feedback_services.suggestion_rate(
            actor=request.user,
            feedback=feedback,
            rating=serializer.validated_data["rating"],
            reason=serializer.validated_data["reason"],
        )
        return self.detail(suggestion)
