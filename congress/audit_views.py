"""The auditor's pages and endpoint: searching the audit log a page at a time."""

from __future__ import annotations

import django_filters
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination

from congress.access import permission_required
from congress.api import CongressAPIView
from congress.audit import AuditAction
from congress.audit_selectors import AuditPage, AuditSearch, audit_event_page, audit_event_search
from congress.forms import AuditSearchForm
from congress.models import AuditEvent


@permission_required("congress.view_audit_log")
def audit_events(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        page = AuditPage(events=[], newer="", older="")
    else:
        page = audit_event_page(
            audit_event_search(search=form.search()),
            before=request.GET.get("before", ""),
            after=request.GET.get("after", ""),
        )
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    export_url = reverse(
        "reports:export", kwargs={"congress_slug": congress_slug, "identifier": "audit-log"}
    )
    filters = query.urlencode()
    context = {
        "form": form,
        "page": page,
        "labels": dict(AuditAction.choices),
        "filters": filters,
        "export_url": f"{export_url}?{filters}" if filters else export_url,
    }
    template = "congress/audit_events.html"
    if request.htmx and request.htmx.target == "audit-table":
        template += "#audit-table"
    return render(request, template, context)


# --- The API --------------------------------------------------------------------------------


class AuditEventSerializer(serializers.ModelSerializer):
    action_display = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "user",
            "username",
            "action",
            "action_display",
            "success",
            "ip_address",
            "user_agent",
            "target_type",
            "target_id",
            "summary",
            "detail",
        ]

    def get_action_display(self, event: AuditEvent) -> str:
        return str(dict(AuditAction.choices).get(event.action, event.action))


class AuditEventFilter(django_filters.FilterSet):
    # Declared explicitly: a generated FilterSet would query at import, outside any scope.
    date_from = django_filters.DateFilter(label="起始日期", method="keep")
    date_to = django_filters.DateFilter(label="截止日期", method="keep")
    account = django_filters.CharFilter(label="账号、手机号或姓名", method="keep")
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, method="keep")
    success = django_filters.BooleanFilter(label="是否成功", method="keep")
    q = django_filters.CharFilter(label="摘要、对象编号或地址", method="keep")

    class Meta:
        model = AuditEvent
        fields = ["date_from", "date_to", "account", "action", "success", "q"]

    def keep(self, queryset, name, value):
        return queryset  # every filter is applied at once in filter_queryset, as the page does

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        search = AuditSearch(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            account=(data.get("account") or "").strip(),
            action=data.get("action") or "",
            success=data.get("success"),
            text=(data.get("q") or "").strip(),
        )
        return audit_event_search(search=search)


class AuditEventCursor(CursorPagination):
    """Keyset pages (the cursor is the last row's time), fast however deep in the log."""

    ordering = ("-created_at", "-id")
    page_size = 50


class AuditEventListView(CongressAPIView, generics.ListAPIView):
    required_permission = "congress.view_audit_log"
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    pagination_class = AuditEventCursor

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no congress, no scope
            return AuditEvent.objects.none()
        return AuditEvent.objects.all()

    @extend_schema(summary="审计日志（仅安全审计员）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
