"""Reads for a deputy's own suggestions on the phone: their list, invitations, one suggestion."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Membership, User
from deputies.models import Deputy, DeputyStatus
from liaison.models import ReceptionDay, VoterMessage
from liaison.selectors import deputy_ids_for_user, message_visible, reception_visible
from suggestions.models import (
    CongressSession,
    CosignerStatus,
    Suggestion,
    SuggestionAttachment,
    SuggestionCategory,
    SuggestionCosigner,
    SuggestionFeedback,
    SuggestionReply,
    SuggestionStatus,
)

# How many recent voter messages and reception days a form offers as a suggestion's source.
SOURCE_CHOICES_LIMIT = 100

# What happens next, in the deputy's words, for each status.
NEXT_STEPS = {
    SuggestionStatus.DRAFT: _(
        "Not sent yet. Check it, then send it to the committee when it is ready."
    ),
    SuggestionStatus.SUBMITTED: _("Sent. The committee's staff will check it and accept it."),
    SuggestionStatus.RETURNED: _(
        "The committee returned it to you. Read the reason, change it, and send it again."
    ),
    SuggestionStatus.WITHDRAWN: _("You withdrew it. Nothing more will happen."),
    SuggestionStatus.LETTER: _(
        "The committee kept it as a letter for reference; it is not handled as a suggestion."
    ),
    SuggestionStatus.ACCEPTED: _(
        "Accepted and numbered. The committee will assign it to a handling unit."
    ),
    SuggestionStatus.ASSIGNED: _(
        "A handling unit is working on it and will contact you. It must reply by the due date."
    ),
    SuggestionStatus.REPLIED: _(
        "The unit has replied. Read the reply and tell us how satisfied you are."
    ),
    SuggestionStatus.REHANDLING: _(
        "You were not satisfied, so the unit is handling it again, under joint supervision."
    ),
    SuggestionStatus.CLOSED: _("Finished. Thank you."),
}


# A co-signer answers while the suggestion is still being written or checked.
COSIGN_STATUSES = (SuggestionStatus.DRAFT, SuggestionStatus.RETURNED, SuggestionStatus.SUBMITTED)


def own_deputy(*, user: User) -> Deputy | None:
    """The roster entry the deputy acts as: a serving one first, then the latest term."""
    serving = Case(When(status=DeputyStatus.SERVING, then=Value(0)), default=Value(1))
    return Deputy.objects.filter(user=user).order_by(serving, "-term", "-id").first()


def _mine(user: User) -> set[int]:
    return deputy_ids_for_user(user=user)


def my_suggestion_list(*, user: User) -> QuerySet[Suggestion]:
    """Those the deputy leads or co-signs, the newest first, with what the list shows."""
    mine = _mine(user)
    waiting_rating = SuggestionFeedback.objects.filter(
        suggestion=OuterRef("pk"),
        round=OuterRef("round"),
        deputy_id__in=mine,
        rated_at__isnull=True,
    )
    return (
        Suggestion.objects.filter(
            Q(lead_deputy_id__in=mine)
            | Exists(
                SuggestionCosigner.objects.filter(suggestion=OuterRef("pk"), deputy_id__in=mine)
            )
        )
        .select_related("category", "session", "lead_deputy")
        .annotate(
            i_lead=Q(lead_deputy_id__in=mine),
            my_turn=Q(status=SuggestionStatus.REPLIED) & Exists(waiting_rating),
        )
        .order_by("-created_at", "-id")
    )


def cosign_invitations(*, user: User) -> list[SuggestionCosigner]:
    """Invitations to co-sign that wait for the deputy's answer (on top of their list)."""
    return list(
        SuggestionCosigner.objects.filter(
            deputy_id__in=_mine(user),
            status=CosignerStatus.INVITED,
            suggestion__status__in=COSIGN_STATUSES,
        )
        .select_related("suggestion__lead_deputy", "suggestion__category")
        .order_by("-invited_at", "-id")
    )


def suggestion_parts(*, suggestion: Suggestion) -> dict:
    """What a suggestion's page shows below its text, in a fixed number of queries."""
    return {
        "attachments": list(SuggestionAttachment.objects.filter(suggestion=suggestion)),
        "cosigners": list(
            SuggestionCosigner.objects.filter(suggestion=suggestion).select_related("deputy")
        ),
        "replies": list(
            SuggestionReply.objects.filter(suggestion=suggestion).select_related("unit")
        ),
        "feedback": list(
            SuggestionFeedback.objects.filter(suggestion=suggestion).select_related("deputy")
        ),
    }


def my_cosigner_row(*, suggestion: Suggestion, user: User) -> SuggestionCosigner | None:
    return (
        SuggestionCosigner.objects.filter(suggestion=suggestion, deputy_id__in=_mine(user))
        .select_related("deputy")
        .first()
    )


def my_pending_feedback(*, suggestion: Suggestion, user: User) -> SuggestionFeedback | None:
    """The deputy's unrated feedback row of the current round, while the reply waits for it."""
    if suggestion.status != SuggestionStatus.REPLIED:
        return None
    return (
        SuggestionFeedback.objects.filter(
            suggestion=suggestion,
            round=suggestion.round,
            deputy_id__in=_mine(user),
            rated_at__isnull=True,
        )
        .select_related("deputy")
        .first()
    )


def current_session(*, today: date | None = None) -> CongressSession | None:
    """The session sitting today (suggested on a new suggestion), if any."""
    today = today or timezone.localdate()
    return CongressSession.objects.filter(starts_on__lte=today, ends_on__gte=today).first()


def active_categories() -> QuerySet[SuggestionCategory]:
    return SuggestionCategory.objects.filter(is_active=True).order_by("position", "id")


def cosigner_candidates(*, exclude_ids=()) -> QuerySet[Deputy]:
    """Serving deputies of this congress, by name."""
    return (
        Deputy.objects.filter(status=DeputyStatus.SERVING)
        .exclude(pk__in=list(exclude_ids))
        .order_by("name_pinyin", "id")
    )


def source_messages(*, membership: Membership) -> QuerySet[VoterMessage]:
    """Recent voter messages the member reaches, to link a suggestion to."""
    visible = message_visible(membership=membership)
    recent = list(
        visible.order_by("-created_at").values_list("pk", flat=True)[:SOURCE_CHOICES_LIMIT]
    )
    return VoterMessage.objects.filter(pk__in=recent).order_by("-created_at")


def source_receptions(*, membership: Membership) -> QuerySet[ReceptionDay]:
    visible = reception_visible(membership=membership)
    recent = list(visible.order_by("-date").values_list("pk", flat=True)[:SOURCE_CHOICES_LIMIT])
    return ReceptionDay.objects.filter(pk__in=recent).select_related("station").order_by("-date")
