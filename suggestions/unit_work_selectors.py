"""Reads for a handling unit's work: its assigned suggestions, the follow-up list, one item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Case,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from congress.models import Membership
from liaison.selectors import unit_ids_for_user
from suggestions.models import (
    HANDLING_STATUSES,
    AssignmentRole,
    AssignmentStatus,
    Suggestion,
    SuggestionAssignment,
    SuggestionFeedback,
    SuggestionReply,
    SuggestionStatus,
)
from suggestions.selectors import suggestion_visible

WAITING, REPLIED, ALL = "waiting", "replied", "all"
LIST_FILTERS = (WAITING, REPLIED, ALL)
ANSWERED_STATUSES = (SuggestionStatus.REPLIED, SuggestionStatus.CLOSED)


def unit_work_list(
    *, membership: Membership, show: str = WAITING, today: date | None = None
) -> QuerySet[Suggestion]:
    """The suggestions the member's units handle now, overdue first, then by due date.

    Each row carries `our_role` (lead or co), `our_opinion_due` (a co unit's opinion still owed)
    and `lead_unit_name`, all in the one query. Suggestions merged into another are handled
    through that one, so they are left out.
    """
    today = today or timezone.localdate()
    units = list(unit_ids_for_user(user=membership.user))
    ours = SuggestionAssignment.objects.filter(
        suggestion=OuterRef("pk"), unit_id__in=units, status=AssignmentStatus.ACTIVE
    )
    lead = SuggestionAssignment.objects.filter(
        suggestion=OuterRef("pk"), role=AssignmentRole.LEAD, status=AssignmentStatus.ACTIVE
    )
    suggestions = (
        suggestion_visible(membership=membership)
        .filter(merged_into__isnull=True)
        .select_related("lead_deputy", "category", "session")
        .annotate(
            # "lead" sorts after "co", so the descending order puts our lead part first.
            our_role=Subquery(ours.order_by("-role", "pk").values("role")[:1]),
            our_opinion_due=Subquery(
                ours.filter(role=AssignmentRole.CO, opinion="")
                .order_by("opinion_due_on")
                .values("opinion_due_on")[:1]
            ),
            lead_unit_name=Subquery(lead.values("unit__name")[:1]),
            overdue=Case(
                When(Q(status__in=HANDLING_STATUSES, due_on__lt=today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    if show == WAITING:
        suggestions = suggestions.filter(status__in=HANDLING_STATUSES)
    elif show == REPLIED:
        suggestions = suggestions.filter(status__in=ANSWERED_STATUSES)
    return suggestions.order_by(
        F("overdue").desc(), F("due_on").asc(nulls_last=True), "number", "pk"
    )


def with_days_left(rows, today: date | None = None):
    """Give each row on a page its days left until the due date, or its days overdue."""
    today = today or timezone.localdate()
    for row in rows:
        row.days_left = row.days_overdue = None
        if row.due_on and row.status in HANDLING_STATUSES:
            row.days_left = (row.due_on - today).days
            row.days_overdue = max(0, -row.days_left)
    return rows


def unit_follow_up_list(*, membership: Membership) -> QuerySet[SuggestionReply]:
    """Replies of the follow-up class ("being solved") by the member's units, not yet reported
    solved: the latest reply of a suggestion that has been answered."""
    congress = membership.congress
    units = list(unit_ids_for_user(user=membership.user))
    return (
        SuggestionReply.objects.filter(
            unit_id__in=units,
            reply_class=congress.follow_up_reply_class,
            solved_on__isnull=True,
            round=F("suggestion__round"),
            suggestion__status__in=ANSWERED_STATUSES,
            suggestion__merged_into__isnull=True,
            suggestion__in=suggestion_visible(membership=membership),
        )
        .select_related("suggestion__lead_deputy", "suggestion__category", "unit")
        .order_by("replied_on", "pk")
    )


@dataclass
class UnitWorkDetail:
    suggestion: Suggestion
    our_assignments: list = field(default_factory=list)
    other_assignments: list = field(default_factory=list)
    attachments: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    replies: list = field(default_factory=list)
    co_opinions: list = field(default_factory=list)
    ratings: list = field(default_factory=list)
    followers: list = field(default_factory=list)

    @property
    def is_lead(self) -> bool:
        return any(a.role == AssignmentRole.LEAD for a in self.our_assignments)

    @property
    def co_assignments(self) -> list:
        return [a for a in self.our_assignments if a.role == AssignmentRole.CO]

    def returnable(self, today: date | None = None) -> list:
        """Our parts that may still be sent back as wrongly assigned."""
        today = today or timezone.localdate()
        if self.suggestion.status not in HANDLING_STATUSES or self.current_reply is not None:
            return []
        return [a for a in self.our_assignments if today <= a.return_by]

    @property
    def current_reply(self):
        return next((r for r in self.replies if r.round == self.suggestion.round), None)

    @property
    def can_reply(self) -> bool:
        return (
            self.is_lead
            and not self.suggestion.merged_into_id
            and self.suggestion.status in HANDLING_STATUSES
        )

    @property
    def open_follow_up(self):
        """The reply waiting to be reported solved, when it is ours to report."""
        reply = self.replies[-1] if self.replies else None
        ours = {a.unit_id for a in self.our_assignments}
        if (
            reply is None
            or reply.round != self.suggestion.round
            or reply.reply_class != self.suggestion.congress.follow_up_reply_class
            or reply.solved_on is not None
            or self.suggestion.status not in ANSWERED_STATUSES
            or self.suggestion.merged_into_id
            or reply.unit_id not in ours
        ):
            return None
        return reply


def unit_work_detail(*, membership: Membership, suggestion: Suggestion) -> UnitWorkDetail:
    """Everything the unit's page shows about one suggestion, in a fixed number of queries."""
    units = unit_ids_for_user(user=membership.user)
    assignments = list(
        SuggestionAssignment.objects.filter(suggestion=suggestion)
        .select_related("unit")
        .order_by("role", "pk")
    )
    ours = [a for a in assignments if a.unit_id in units and a.status == AssignmentStatus.ACTIVE]
    ours.sort(key=lambda a: (a.role != AssignmentRole.LEAD, a.pk))
    return UnitWorkDetail(
        suggestion=suggestion,
        our_assignments=ours,
        other_assignments=[a for a in assignments if a not in ours],
        attachments=list(suggestion.attachments.all()),
        contacts=list(suggestion.contacts.select_related("unit", "recorded_by")),
        replies=list(suggestion.replies.select_related("unit").order_by("round")),
        co_opinions=[a for a in assignments if a.role == AssignmentRole.CO and a.opinion],
        ratings=list(
            SuggestionFeedback.objects.filter(suggestion=suggestion)
            .exclude(rating="")
            .select_related("deputy")
        ),
        followers=list(suggestion.merged.select_related("lead_deputy").order_by("number", "pk")),
    )
