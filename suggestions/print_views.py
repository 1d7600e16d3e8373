"""Printable A4 pages of a suggestion: the feedback form (征询意见表) and the full record."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from congress.access import permission_required
from congress.models import Role
from suggestions.access import suggestion_get
from suggestions.models import (
    AssignmentRole,
    AssignmentStatus,
    ContactLog,
    Rating,
    Suggestion,
    SuggestionAssignment,
    SuggestionCosigner,
    SuggestionEvent,
    SuggestionFeedback,
    SuggestionReply,
    SupervisionEntry,
)

# Where "Back" leads, by role: the page each role opens a suggestion on.
DETAIL_PAGES = {
    Role.DEPUTY: "my_suggestions:detail",
    Role.UNIT_LIAISON: "unit_work:detail",
}


def _back_url(request: HttpRequest, suggestion: Suggestion) -> str:
    name = DETAIL_PAGES.get(request.membership.role, "suggestions:detail")
    return reverse(
        name, kwargs={"congress_slug": request.congress.slug, "suggestion_id": suggestion.pk}
    )


def _reply_class_name(congress, code: str) -> str:
    for item in congress.reply_classes:
        if item.get("code") == code:
            return item.get("name", "")
    return ""


def _printable(request: HttpRequest, suggestion_id: int) -> Suggestion:
    # Only what the member may read: anything else is a 404, as on the detail pages.
    return suggestion_get(request, suggestion_id)


def _lead_unit(suggestion: Suggestion, assignments, replies):
    for assignment in assignments:
        if assignment.role == AssignmentRole.LEAD and assignment.status == AssignmentStatus.ACTIVE:
            return assignment.unit
    return replies[-1].unit if replies else None


@permission_required("suggestions.view_suggestions")
@require_safe
def feedback_form(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    """The paper form the leading deputy fills in and signs; staff enter it afterwards."""
    suggestion = _printable(request, suggestion_id)
    assignments = list(
        SuggestionAssignment.objects.filter(suggestion=suggestion).select_related("unit")
    )
    replies = list(
        SuggestionReply.objects.filter(suggestion=suggestion)
        .select_related("unit")
        .order_by("round")
    )
    reply = replies[-1] if replies else None
    co_units = [
        assignment.unit
        for assignment in assignments
        if assignment.role == AssignmentRole.CO and assignment.status == AssignmentStatus.ACTIVE
    ]
    return render(
        request,
        "suggestions/print/feedback_form.html",
        {
            "suggestion": suggestion,
            "lead_unit": _lead_unit(suggestion, assignments, replies),
            "co_units": co_units,
            "reply": reply,
            "reply_class_name": _reply_class_name(request.congress, reply.reply_class)
            if reply
            else "",
            "ratings": Rating.choices,
            "back_url": _back_url(request, suggestion),
        },
    )


# The full record carries supervision notes, approvals and every party's ratings: staff and
# leaders only. Deputies and units print the feedback form.
@permission_required("suggestions.browse_suggestions")
@require_safe
def record(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    """Everything that happened to the suggestion, in one document (a fixed number of queries)."""
    suggestion = _printable(request, suggestion_id)
    suggestion = (
        Suggestion.objects.filter(pk=suggestion.pk)
        .select_related("congress", "lead_deputy", "category", "session", "merged_into")
        .prefetch_related(
            Prefetch("cosigners", queryset=SuggestionCosigner.objects.select_related("deputy")),
            Prefetch(
                "assignments",
                queryset=SuggestionAssignment.objects.select_related("unit").order_by(
                    "assigned_on", "id"
                ),
            ),
            "extensions",
            Prefetch("contacts", queryset=ContactLog.objects.select_related("unit")),
            Prefetch(
                "replies", queryset=SuggestionReply.objects.select_related("unit").order_by("round")
            ),
            Prefetch("feedback", queryset=SuggestionFeedback.objects.select_related("deputy")),
            Prefetch("supervision", queryset=SupervisionEntry.objects.order_by("date", "id")),
            Prefetch("events", queryset=SuggestionEvent.objects.select_related("actor")),
            "attachments",
        )
        .get()
    )
    replies = list(suggestion.replies.all())
    for reply in replies:
        reply.class_name = _reply_class_name(request.congress, reply.reply_class)
    return render(
        request,
        "suggestions/print/record.html",
        {
            "suggestion": suggestion,
            "replies": replies,
            "lead_unit": _lead_unit(suggestion, list(suggestion.assignments.all()), replies),
            "back_url": _back_url(request, suggestion),
        },
    )
