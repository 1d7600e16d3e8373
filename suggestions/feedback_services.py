"""A deputy's rating of a reply: on the phone, through the tokened link, or typed in by staff
from the paper feedback form (征询意见表). The leading deputy's rating closes or reopens it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congress.errors import DomainError
from congress.models import Role, User
from congress.permissions import membership_can
from congress.selectors import membership_for
from suggestions import lifecycle
from suggestions.models import (
    SATISFIED_RATINGS,
    AssignmentRole,
    AssignmentStatus,
    Rating,
    Suggestion,
    SuggestionFeedback,
    SuggestionStatus,
)

REASON_LIMIT = 1000


def _check_rater(actor: User, suggestion: Suggestion, feedback: SuggestionFeedback) -> bool:
    """May `actor` rate this row? Returns True when staff enter it on the deputy's behalf."""
    membership = membership_for(user=actor, congress=suggestion.congress)
    if not membership_can(membership, "suggestions.rate_suggestion", suggestion):
        raise DomainError(_("You cannot rate this reply."), code="forbidden")
    if membership.role in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF):
        return True
    # A deputy rates only their own row, never a co-signer's or the lead's for them.
    if feedback.deputy.user_id != actor.pk:
        raise DomainError(_("You cannot rate this reply for another deputy."), code="forbidden")
    return False


def _note(feedback: SuggestionFeedback, *, via_token: bool, on_behalf: bool) -> str:
    parts = [
        _("%(name)s: %(rating)s")
        % {"name": feedback.deputy.name, "rating": feedback.get_rating_display()}
    ]
    if feedback.reason:
        parts.append(feedback.reason)
    if via_token:
        parts.append(_("(through the link sent to the deputy)"))
    elif on_behalf:
        parts.append(_("(entered by staff from the paper feedback form)"))
    return " ".join(parts)


@transaction.atomic
def suggestion_rate(
    *,
    actor: User | None,
    feedback: SuggestionFeedback,
    rating: str,
    reason: str = "",
    via_token: bool = False,
) -> SuggestionFeedback:
    """Record one deputy's rating of the current round's reply.

    A co-signer's rating is recorded only. The leading deputy's rating moves the suggestion:
    satisfied (or basically) closes it; unsatisfied reopens the first round for re-handling by
    a new, shorter due date, and closes the second. `via_token`: the deputy used the link sent
    to them and is not signed in (`actor` is None; the token is their proof).
    """
    suggestion = lifecycle.locked(feedback.suggestion_id)
    feedback = (
        SuggestionFeedback.objects.select_for_update().select_related("deputy").get(pk=feedback.pk)
    )
    if rating not in Rating.values:
        raise DomainError(_("Choose how satisfied you are."), field="rating")
    on_behalf = False
    if via_token:
        actor = None
    else:
        if actor is None:
            raise DomainError(_("You cannot rate this reply."), code="forbidden")
        on_behalf = _check_rater(actor, suggestion, feedback)
    if feedback.rated_at is not None:
        raise DomainError(_("This reply has already been rated."), code="status")
    if feedback.round != suggestion.round or suggestion.status != SuggestionStatus.REPLIED:
        raise DomainError(_("This reply can no longer be rated."), code="status")
    reason = lifecycle.clean_text(
        reason,
        field="reason",
        label=_("why you are not satisfied"),
        limit=REASON_LIMIT,
        required=rating == Rating.UNSATISFIED,
    )
    feedback.rating = rating
    feedback.reason = reason
    feedback.rated_at = timezone.now()
    feedback.rated_by = actor
    feedback._history_user = actor
    feedback.save()
    note = _note(feedback, via_token=via_token, on_behalf=on_behalf)
    if not feedback.is_lead:
        lifecycle.record(suggestion, action="rate", actor=actor, note=note)
        return feedback
    check_role = not via_token
    if rating in SATISFIED_RATINGS or suggestion.round > 1:
        lifecycle.apply(
            suggestion, "close_rated", actor=actor, note=note, check_role=check_role, rating=rating
        )
        return feedback
    due_on = lifecycle.deadline_after_months(
        timezone.localdate(), suggestion.congress.rehandling_deadline_months
    )
    lifecycle.apply(
        suggestion, "reopen", actor=actor, note=note, check_role=check_role, due_on=due_on
    )
    if suggestion.merged_into_id:
        # Only this deputy was unsatisfied: the re-handling is this suggestion's own, so it
        # leaves the merged group (whose main one may close meanwhile) and is handled alone.
        main = suggestion.merged_into
        suggestion.merged_into = None
        lifecycle.save(suggestion, actor, update_fields=["merged_into"])
        lifecycle.record(
            suggestion,
            action="unmerge",
            actor=actor,
            note=_("Handled again on its own, apart from %(main)s.") % {"main": main},
        )
    _tell_reopened(suggestion, actor)
    return feedback


def _tell_reopened(suggestion: Suggestion, actor: User | None) -> None:
    unit_ids = suggestion.assignments.filter(
        status=AssignmentStatus.ACTIVE, role__in=[AssignmentRole.LEAD, AssignmentRole.CO]
    ).values_list("unit_id", flat=True)
    title = _("The deputy is not satisfied: handle it again by %(date)s") % {
        "date": date_format(suggestion.due_on, "DATE_FORMAT")
    }
    lifecycle.tell(
        suggestion,
        lifecycle.unit_liaison_users(unit_ids),
        audience="unit",
        kind="suggestion_reopened",
        title=title,
        actor=actor,
        dedupe=f"suggestion-reopened:{suggestion.pk}",
    )
    lifecycle.tell(
        suggestion,
        lifecycle.staff_users(suggestion.congress),
        audience="staff",
        kind="suggestion_reopened",
        title=title,
        actor=actor,
        dedupe=f"suggestion-reopened:{suggestion.pk}",
    )
