"""Voter message API: members list and read the messages they reach, answer them, and staff
forward, close and register visits. Refusals come back as JSON 400 with a Chinese message."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from congress.api import CongressAPIView
from congress.permissions import membership_can
from liaison import message_selectors as selectors
from liaison import message_services as services
from liaison.message_serializers import (
    AnswerInputSerializer,
    EraseInputSerializer,
    EraseResultSerializer,
    ForwardInputSerializer,
    MessageDetailSerializer,
    MessageSerializer,
    NoteInputSerializer,
    VisitInputSerializer,
)
from liaison.models import MessageStatus, MessageTopic, VoterMessage
from suggestions.models import HandlingUnit


class MessageFilter(django_filters.FilterSet):
    # Declared explicitly: a generated FilterSet would query at import, outside any scope.
    status = django_filters.ChoiceFilter(choices=MessageStatus.choices)
    topic = django_filters.ChoiceFilter(choices=MessageTopic.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="只看逾期未答复的")

    class Meta:
        model = VoterMessage
        fields = ["status", "topic", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue=value)


class MessageListView(CongressAPIView, generics.ListAPIView):
    """Each member sees exactly the messages they reach (a deputy: their own)."""

    required_permission = "liaison.view_messages"
    serializer_class = MessageSerializer
    filterset_class = MessageFilter

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "shows_code": membership_can(self.membership, "liaison.register_visits"),
        }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return VoterMessage.objects.none()
        return selectors.message_list(membership=self.membership)

    @extend_schema(summary="选民留言列表（逾期的在前，再按答复期限）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MessageViewMixin:
    def http_method_not_allowed(self, request, *args, **kwargs):
        # A missing or foreign id is 404 whatever the method, as for every other page.
        if "message_id" in kwargs:
            get_object_or_404(VoterMessage.objects.all(), pk=kwargs["message_id"])
        return super().http_method_not_allowed(request, *args, **kwargs)

    def get_message(self, message_id: int, permission: str = "liaison.view_message"):
        message = get_object_or_404(
            VoterMessage.objects.select_related(
                "congress",
                "deputy",
                "station",
                "forwarded_to_deputy",
                "forwarded_to_unit",
                "answered_by",
            ),
            pk=message_id,
        )
        if not membership_can(self.membership, "liaison.view_message", message):
            raise exceptions.PermissionDenied(_("You cannot see this message."))
        if not membership_can(self.membership, permission, message):
            raise exceptions.PermissionDenied(_("You cannot do this with this message."))
        return message

    def detail(self, message_id: int, *, created: bool = False) -> Response:
        message = self.get_message(message_id)
        context = {
            "request": self.request,
            "shows_contact": selectors.shows_voter_contact(
                membership=self.membership, message=message
            ),
            "shows_code": membership_can(self.membership, "liaison.register_visits"),
        }
        return Response(
            MessageDetailSerializer(message, context=context).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MessageDetailView(MessageViewMixin, CongressAPIView):
    required_permission = "liaison.view_messages"

    @extend_schema(
        responses=MessageDetailSerializer,
        summary="一条选民留言（含照片地址和办理经过；留言人信息只给收信代表和工作人员）",
    )
    def get(self, request, congress_slug: str, message_id: int):
        return self.detail(message_id)


class MessageAnswerView(MessageViewMixin, CongressAPIView):
    required_permission = "liaison.view_messages"

    @extend_schema(
        request=AnswerInputSerializer, responses=MessageDetailSerializer, summary="答复选民留言"
    )
    def post(self, request, congress_slug: str, message_id: int):
        message = self.get_message(message_id, "liaison.answer_message")
        serializer = AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.voter_message_answer(
            actor=request.user, message=message, answer=serializer.validated_data["answer"]
        )
        return self.detail(message.pk)


class MessageStartView(MessageViewMixin, CongressAPIView):
    required_permission = "liaison.view_messages"

    @extend_schema(
        request=NoteInputSerializer, responses=MessageDetailSerializer, summary="开始办理留言"
    )
    def post(self, request, congress_slug: str, message_id: int):
        message = self.get_message(message_id, "liaison.answer_message")
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.voter_message_start_handling(
            actor=request.user, message=message, note=serializer.validated_data.get("note", "")
        )
        return self.detail(message.pk)


def _found(queryset, pk: int | None, field: str, text: str):
    if pk is None:
        return None
    # Through the scoped manager: an id of another congress is simply not found.
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise exceptions.ValidationError({field: [text]})
    return found


class MessageForwardView(MessageViewMixin, CongressAPIView):
    # Staff and station staff; the object rule liaison.handle_message is checked per message.
    required_permission = "liaison.handle_messages"

    @extend_schema(
        request=ForwardInputSerializer,
        responses=MessageDetailSerializer,
        summary="转交留言（给代表、承办单位，或转为代表建议）",
    )
    def post(self, request, congress_slug: str, message_id: int):
        message = self.get_message(message_id, "liaison.handle_message")
        serializer = ForwardInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        deputies = selectors.deputies_for_member(membership=self.membership)
        services.voter_message_forward(
            actor=request.user,
            message=message,
            target=data["target"],
            deputy=_found(deputies, data.get("deputy"), "deputy", _("No such deputy.")),
            unit=_found(
                HandlingUnit.objects.all(), data.get("unit"), "unit", _("No such handling unit.")
            ),
            note=data.get("note", ""),
        )
        return self.detail(message.pk)


class MessageCloseView(MessageViewMixin, CongressAPIView):
    required_permission = "liaison.handle_messages"

    @extend_schema(
        request=NoteInputSerializer,
        responses=MessageDetailSerializer,
        summary="办结已答复但选民未评价的留言",
    )
    def post(self, request, congress_slug: str, message_id: int):
        message = self.get_message(message_id, "liaison.handle_message")
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.voter_message_close(
            actor=request.user, message=message, note=serializer.validated_data.get("note", "")
        )
        return self.detail(message.pk)


class MessageEraseView(MessageViewMixin, CongressAPIView):
    # Staff and station staff; the object rule liaison.erase_message_data is checked per message.
    required_permission = "liaison.handle_messages"

    @extend_schema(
        request=EraseInputSerializer,
        responses=EraseResultSerializer,
        summary="应选民要求删除其个人信息（姓名、电话、留言内容、照片），保留统计所需的日期与状态",
    )
    def post(self, request, congress_slug: str, message_id: int):
        message = self.get_message(message_id, "liaison.erase_message_data")
        serializer = EraseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        erased = services.voter_message_erase(
            actor=request.user,
            message=message,
            reason=serializer.validated_data["reason"],
            same_voter=serializer.validated_data["same_voter"],
            request=request,
        )
        return Response({"erased": erased})


class VisitCreateView(MessageViewMixin, CongressAPIView):
    required_permission = "liaison.register_visits"

    @extend_schema(
        request=VisitInputSerializer,
        responses={201: MessageDetailSerializer},
        summary="登记选民来访（可当场答复并办结）",
    )
    def post(self, request, congress_slug: str):
        serializer = VisitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # The same choices as the web form: station staff only their stations and deputies.
        data["station"] = _found(
            selectors.stations_for_visits(membership=self.membership),
            data["station"],
            "station",
            _("No such station."),
        )
        data["deputy"] = _found(
            selectors.deputies_for_member(membership=self.membership),
            data.get("deputy"),
            "deputy",
            _("No such deputy."),
        )
        message = services.voter_message_register_visit(
            actor=request.user, congress=self.congress, **data
        )
        return self.detail(message.pk, created=True)
