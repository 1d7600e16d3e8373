"""Staff typing in what came back on paper, under /c/<congress_slug>/suggestions/paper/: the
lead unit's signed reply, and the deputies' ratings from the returned feedback form (征询意见表)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.access import permission_required, require
from congress.errors import DomainError
from congress.pages import form_error
from suggestions import feedback_services, lifecycle, unit_work_services
from suggestions.access import suggestion_get
from suggestions.models import (
    HANDLING_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Rating,
    Suggestion,
    SuggestionAssignment,
    SuggestionFeedback,
    SuggestionReply,
    SuggestionStatus,
)
from suggestions.paper_entry_forms import PaperRatingForm, PaperReplyForm

PROCESS = "suggestions.process_suggestions"
TEMPLATES = "suggestions/paper/"


def _status_for(error: DomainError) -> int:
    return {"conflict": 409, "forbidden": 403}.get(error.code, 400)


def _back(request: HttpRequest, suggestion: Suggestion, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(lifecycle.suggestion_link(suggestion, "staff"))


def _lead_assignment(suggestion: Suggestion) -> SuggestionAssignment | None:
    return (
        SuggestionAssignment.objects.filter(
            suggestion=suggestion, role=AssignmentRole.LEAD, status=AssignmentStatus.ACTIVE
        )
        .select_related("unit")
        .first()
    )


@permission_required(PROCESS)
@require_http_methods(["GET", "POST"])
def paper_reply(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    require(request, "suggestions.handle_suggestion", suggestion)
    lead = _lead_assignment(suggestion)
    handling = suggestion.status in HANDLING_STATUSES
    can_reply = handling and suggestion.merged_into_id is None and lead is not None
    form = PaperReplyForm(
        request.POST or None,
        request.FILES or None,
        congress=request.congress,
        initial={"version": suggestion.version},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit_work_services.suggestion_reply(
                    actor=request.user,
                    suggestion=suggestion,
                    reply_class=data["reply_class"],
                    text=data["text"],
                    letter=data["letter"],
                    expected_version=data.get("version"),
                )
            except DomainError as error:
                form_error(form, error)
                status = _status_for(error)
            else:
                return _back(
                    request,
                    suggestion,
                    _("The paper reply was entered; the deputies are asked to rate it."),
                )
    context = {
        "suggestion": suggestion,
        "lead": lead,
        "can_reply": can_reply,
        "handling": handling,
        "form": form,
        "reply_classes": request.congress.reply_classes,
    }
    return render(request, TEMPLATES + "reply.html", context, status=status)


@permission_required(PROCESS)
@require_http_methods(["GET", "POST"])
def paper_rating(request: HttpRequest, congress_slug: str, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get(request, suggestion_id)
    require(request, "suggestions.rate_suggestion", suggestion)
    round_rows = list(
        SuggestionFeedback.objects.filter(suggestion=suggestion, round=suggestion.round)
        .select_related("deputy", "rated_by")
        .order_by("-is_lead", "id")
    )
    can_rate = suggestion.status == SuggestionStatus.REPLIED and any(
        row.rated_at is None for row in round_rows
    )
    unrated = SuggestionFeedback.objects.filter(
        suggestion=suggestion, round=suggestion.round, rated_at__isnull=True
    ).select_related("deputy")
    if not can_rate:
        unrated = unrated.none()
    form = PaperRatingForm(
        request.POST or None,
        rows=unrated.order_by("-is_lead", "id"),
        # The record page links each deputy's row straight to their form.
        initial={"feedback": request.GET.get("feedback")},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if not can_rate:
            # Said plainly, rather than as "choose a deputy" with nobody to choose.
            form.add_error(None, _("There is no rating to enter for this suggestion now."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                feedback = feedback_services.suggestion_rate(
                    actor=request.user,
                    feedback=data["feedback"],
                    rating=data["rating"],
                    reason=data["reason"],
                )
            except DomainError as error:
                form_error(form, error)
                status = _status_for(error)
            else:
                return _back(request, suggestion, _rated_message(feedback, suggestion.round))
    reply = (
        SuggestionReply.objects.filter(suggestion=suggestion, round=suggestion.round)
        .select_related("unit")
        .first()
    )
    context = {
        "suggestion": suggestion,
        "reply": reply,
        "class_names": {item["code"]: item["name"] for item in request.congress.reply_classes},
        "rows": round_rows,
        "can_rate": can_rate,
        "form": form,
    }
    return render(request, TEMPLATES + "rating.html", context, status=status)


def _rated_message(feedback: SuggestionFeedback, rated_round: int) -> str:
    if not feedback.is_lead:
        return _("%(name)s's rating was entered.") % {"name": feedback.deputy.name}
    if feedback.rating == Rating.UNSATISFIED and rated_round == 1:
        return _(
            "%(name)s's rating was entered: the deputy is not satisfied, so the suggestion "
            "goes back to the unit for re-handling."
        ) % {"name": feedback.deputy.name}
    return _("%(name)s's rating was entered: the suggestion is closed.") % {
        "name": feedback.deputy.name
    }
