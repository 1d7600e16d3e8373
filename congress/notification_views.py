"""The bell's page: a member's own notices, opening one, marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from congress.access import permission_required
from congress.models import Notification
from congress.notifications import (
    notification_list,
    notification_mark_all_read,
    notification_mark_read,
    safe_link,
)
from congress.pages import post_only

PAGE_SIZE = 30


def _own_notification(request: HttpRequest, notification_id: int) -> Notification:
    # Scoped to the congress and filtered to the member: anyone else's notice is a 404.
    return get_object_or_404(notification_list(user=request.user), pk=notification_id)


def _back_to_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    response = redirect("notifications:list", congress_slug=congress_slug)
    page = request.POST.get("page", "")
    if page.isdigit():
        response["Location"] += f"?page={page}"
    return response


@permission_required("congress.view_notifications")
def notification_index(request: HttpRequest, congress_slug: str) -> HttpResponse:
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    notifications = list(page.object_list)
    for notification in notifications:
        notification.link = safe_link(notification.url)
    return render(
        request,
        "congress/notifications.html",
        {"page": page, "notifications": notifications},
    )


@permission_required("congress.view_notifications")
def notification_open(request: HttpRequest, congress_slug: str, notification_id: int):
    """Opening a notice marks it read, then follows its link (a notice without one is shown)."""
    notification = _own_notification(request, notification_id)
    notification_mark_read(actor=request.user, notification=notification)
    link = safe_link(notification.url)
    if link:
        return redirect(link)
    notification.link = ""
    return render(request, "congress/notification_detail.html", {"notification": notification})


@permission_required("congress.view_notifications")
def notification_read(request: HttpRequest, congress_slug: str, notification_id: int):
    notification = _own_notification(request, notification_id)
    if refused := post_only(request):
        return refused
    notification_mark_read(actor=request.user, notification=notification)
    return _back_to_list(request, congress_slug)


@permission_required("congress.view_notifications")
@require_POST
def notification_read_all(request: HttpRequest, congress_slug: str) -> HttpResponse:
    count = notification_mark_all_read(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notice was marked as read.",
                "%(count)d notices were marked as read.",
                count,
            )
            % {"count": count},
        )
    return _back_to_list(request, congress_slug)
