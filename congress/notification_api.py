"""Notification API: a member's own notices, marking one or all of them read."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from congress.api import CongressAPIView
from congress.models import Notification
from congress.notifications import (
    notification_list,
    notification_mark_all_read,
    notification_mark_read,
    safe_link,
)


class NotificationSerializer(serializers.ModelSerializer):
    link = serializers.SerializerMethodField(help_text="站内相对地址；通知的地址不是本站地址时为空")
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "link", "is_read", "created_at", "read_at"]

    def get_link(self, notification: Notification) -> str:
        return safe_link(notification.url)

    def get_is_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="本次标为已读的通知条数")


class NotificationFilter(django_filters.FilterSet):
    # Declared explicitly: a generated FilterSet would query at import, outside any scope.
    unread = django_filters.BooleanFilter(
        method="filter_unread", label="只看未读（true）或只看已读（false）"
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value)


class NotificationListView(CongressAPIView, generics.ListAPIView):
    """The member's own notices in this congress, newest first."""

    required_permission = "congress.view_notifications"
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return Notification.objects.none()
        return notification_list(user=self.request.user)

    @extend_schema(summary="我的通知")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadView(CongressAPIView):
    required_permission = "congress.view_notifications"

    def get_notification(self, notification_id: int) -> Notification:
        # Filtered to the member: another member's notice is a 404, as if it did not exist.
        return get_object_or_404(notification_list(user=self.request.user), pk=notification_id)

    def http_method_not_allowed(self, request, *args, **kwargs):
        # Another congress's or member's id is a 404 whatever the method, never a 405.
        self.get_notification(kwargs["notification_id"])
        return super().http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer, summary="将一条通知标为已读")
    def post(self, request, congress_slug: str, notification_id: int):
        notification = self.get_notification(notification_id)
        notification_mark_read(actor=request.user, notification=notification)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(CongressAPIView):
    required_permission = "congress.view_notifications"

    @extend_schema(request=None, responses=MarkedSerializer, summary="将我的通知全部标为已读")
    def post(self, request, congress_slug: str):
        marked = notification_mark_all_read(actor=request.user)
        return Response(MarkedSerializer({"marked": marked}).data)
