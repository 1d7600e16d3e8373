"""Who sees which suggestion: the one definition the lists, the detail pages and the API share."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from congress.models import Membership, Role
from liaison.selectors import deputy_ids_for_user, unit_ids_for_user
from suggestions.models import (
    STAFF_VISIBLE,
    AssignmentStatus,
    CosignerStatus,
    Suggestion,
    SuggestionAssignment,
    SuggestionCosigner,
)


def suggestion_visible(*, membership: Membership) -> QuerySet[Suggestion]:
    """The suggestions a member may read.

    Committee staff: everything ever submitted, and drafts entered from paper (a deputy's own
    draft is theirs alone until they send it). Leaders: everything submitted.
    A deputy: those they lead, or were invited to co-sign and did not decline. A unit liaison:
    those their unit handles now (one they returned, or staff withdrew, is no longer theirs).
    """
    suggestions = Suggestion.objects.all()
    role = membership.role
    user = membership.user
    if role in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF):
        return suggestions.filter(STAFF_VISIBLE)
    if role == Role.LEADER:
        return suggestions.filter(submitted_at__isnull=False)
    if role == Role.DEPUTY:
        mine = deputy_ids_for_user(user=user)
        return suggestions.filter(
            Q(lead_deputy_id__in=mine)
            | Exists(
                # A deputy who declined to co-sign is no longer part of it.
                SuggestionCosigner.objects.filter(
                    suggestion=OuterRef("pk"), deputy_id__in=mine
                ).exclude(status=CosignerStatus.DECLINED)
            )
        )
    if role == Role.UNIT_LIAISON:
        units = unit_ids_for_user(user=user)
        return suggestions.filter(
            Exists(
                SuggestionAssignment.objects.filter(
                    suggestion=OuterRef("pk"), unit_id__in=units, status=AssignmentStatus.ACTIVE
                )
            )
        )
    return suggestions.none()
