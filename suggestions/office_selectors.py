"""Reads for the committee staff: the supervision list with its filters, and one suggestion's
whole record, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import Membership
from suggestions.models import (
    HANDLING_STATUSES,
    SUPERVISION_DUE,
    SUPERVISION_FIRST,
    AssignmentRole,
    AssignmentStatus,
    CongressSession,
    HandlingUnit,
    Suggestion,
    SuggestionCategory,
    SuggestionStatus,
)
from suggestions.selectors import suggestion_visible

# "Due soon" on the list's badges and counters.
DUE_SOON_DAYS = 15
RECESS = "recess"

# What each recorded step is called on the timeline (steps other parts record included).
EVENT_LABELS = {
    "submit": _("submitted"),
    "withdraw": _("withdrew"),
    "return_to_deputy": _("returned it to the deputy"),
    "accept": _("accepted and numbered"),
    "make_letter": _("turned it into a letter for reference"),
    "assign": _("assigned it"),
    "reassign": _("reassigned it"),
    "unit_return": _("returned as wrongly assigned"),
    "extend": _("extended the deadline"),
    "co_opinion": _("gave the co-handling opinion"),
    "contact": _("recorded a contact with the deputy"),
    "reply": _("replied"),
    "report_solved": _("reported it solved"),
    "create": _("wrote the draft"),
    "cosign_decline": _("declined to co-sign"),
    "rate": _("rated the reply"),
    "close_rated": _("rated the reply"),
    "reopen": _("was unsatisfied: re-handling"),
    "close_unrated": _("closed it without a rating"),
    "merge": _("merged for handling"),
    "unmerge": _("separated again"),
    "key": _("put it under key supervision"),
    "unkey": _("ended key supervision"),
    "supervision": _("logged supervision"),
    "reminder": _("reminded the unit"),
    "cosign": _("co-signed"),
    "edit": _("edited"),
}


@dataclass(frozen=True)
class SuggestionFilters:
    search: str = ""
    status: str = ""
    kind: str = ""
    # A session's id, RECESS for suggestions made in recess, or "" for both.
    session: str = ""
    category_id: int | None = None
    unit_id: int | None = None
    key_only: bool = False
    overdue_only: bool = False
    due_within: int | None = None


def lead_assignments_prefetch() -> Prefetch:
    """The active lead unit of each suggestion, as `lead_assignments` (a list of one or none)."""
    from suggestions.models import SuggestionAssignment

    return Prefetch(
        "assignments",
        queryset=SuggestionAssignment.objects.filter(
            role=AssignmentRole.LEAD, status=AssignmentStatus.ACTIVE
        ).select_related("unit"),
        to_attr="lead_assignments",
    )


def _search(queryset: QuerySet[Suggestion], text: str) -> QuerySet[Suggestion]:
    text = text.strip()
    if not text:
        return queryset
    # "12", "第12号" and "No. 12" all look for number 12 as well as for the words.
    digits = "".join(character for character in text if character.isdigit())
    condition = Q(title__contains=text) | Q(lead_deputy__name__contains=text)
    if digits and len(digits) <= 9 and len(digits) >= len(text) - 4:
        condition |= Q(number=int(digits))
    return queryset.filter(condition)


def suggestion_list(
    *, membership: Membership, filters: SuggestionFilters, today: date | None = None
) -> QuerySet[Suggestion]:
    """The staff list, ordered for supervision: what units are handling comes first, by due
    date (so the overdue lead, then those due soon), then everything else, newest first."""
    today = today or timezone.localdate()
    queryset = _search(suggestion_visible(membership=membership), filters.search)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.session == RECESS:
        queryset = queryset.filter(session__isnull=True)
    elif filters.session:
        queryset = queryset.filter(session_id=int(filters.session))
    if filters.category_id:
        queryset = queryset.filter(category_id=filters.category_id)
    if filters.unit_id:
        from suggestions.models import SuggestionAssignment

        queryset = queryset.filter(
            Exists(
                SuggestionAssignment.objects.filter(
                    suggestion=OuterRef("pk"),
                    unit_id=filters.unit_id,
                    role=AssignmentRole.LEAD,
                    status=AssignmentStatus.ACTIVE,
                )
            )
        )
    if filters.key_only:
        queryset = queryset.filter(is_key=True)
    if filters.overdue_only:
        queryset = queryset.filter(status__in=HANDLING_STATUSES, due_on__lt=today)
    if filters.due_within is not None:
        queryset = queryset.filter(
            status__in=HANDLING_STATUSES,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=filters.due_within),
        )
    return (
        queryset.select_related("lead_deputy", "category", "session", "merged_into")
        .prefetch_related(lead_assignments_prefetch())
        # The expressions of the supervision index, which serves this order.
        .annotate(handling_first=SUPERVISION_FIRST, handling_due=SUPERVISION_DUE)
        .order_by(
            "handling_first",
            F("handling_due").asc(nulls_last=True),
            "-created_at",
            "-id",
        )
    )


@dataclass(frozen=True)
class Deadline:
    """A due date as the list shows it: days left, or days overdue."""

    due_on: date
    days: int  # left (>= 0) or overdue (< 0)

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def days_overdue(self) -> int:
        return -self.days

    @property
    def due_soon(self) -> bool:
        return 0 <= self.days <= DUE_SOON_DAYS

    @property
    def state(self) -> str:
        if self.overdue:
            return "overdue"
        return "soon" if self.due_soon else "later"


def deadline(suggestion: Suggestion, today: date | None = None) -> Deadline | None:
    """The due date that is running (only while a unit is handling it)."""
    if suggestion.status not in HANDLING_STATUSES or suggestion.due_on is None:
        return None
    today = today or timezone.localdate()
    return Deadline(due_on=suggestion.due_on, days=(suggestion.due_on - today).days)


def decorate_rows(rows, today: date | None = None) -> list[Suggestion]:
    """Give each listed suggestion its `deadline` and `lead_unit` (no queries: all prefetched)."""
    today = today or timezone.localdate()
    rows = list(rows)
    for row in rows:
        row.deadline = deadline(row, today)
        leads = getattr(row, "lead_assignments", [])
        row.lead_unit = leads[0].unit if leads else None
    return rows


# The columns of one row of the list page, read with the page in one query. The session's and
# the category's names come from the filters' lists (`filter_choices`), which the page reads
# anyway: two joins fewer for the database to plan on every page.
PAGE_COLUMNS = (
    "pk",
    "kind",
    "title",
    "status",
    "number",
    "is_key",
    "due_on",
    "session_id",
    "category_id",
    "lead_deputy__name",
    "merged_into_id",
    "merged_into__number",
    "merged_into__kind",
)


@dataclass(slots=True)
class ListRow:
    """One suggestion as the staff list shows it: the values of its cells and its deadline."""

    pk: int
    kind: str
    title: str
    status: str
    number: int | None
    is_key: bool
    due_on: date | None
    session_name: str | None  # None: made in recess
    category_name: str
    deputy_name: str
    # The number of the suggestion it is handled together with ("" while that one has none);
    # None when it is handled on its own.
    main_number: str | None
    lead_unit_name: str | None
    deadline: Deadline | None = None

    @property
    def number_display(self) -> str:
        # The model's own wording: it reads only the kind and the number.
        return Suggestion.number_display.fget(self)


def page_rows(rows: QuerySet[Suggestion], *, choices: dict, today: date) -> list[ListRow]:
    """One page of `suggestion_list` (a slice of it) as the list page shows it, in two queries:
    the rows, then their lead units. `choices` are the page's `filter_choices`."""
    from suggestions.models import CongressSession, SuggestionAssignment

    values = list(rows.prefetch_related(None).values_list(*PAGE_COLUMNS))
    if not values:
        return []
    sessions = dict(choices["sessions"])
    categories = dict(choices["categories"])
    # A session or category made after the lists were read, and already used: read its name.
    new_sessions = {row[7] for row in values if row[7] is not None and row[7] not in sessions}
    if new_sessions:
        sessions.update(
            CongressSession.objects.filter(pk__in=new_sessions).values_list("pk", "name")
        )
    new_categories = {row[8] for row in values if row[8] not in categories}
    if new_categories:
        categories.update(
            SuggestionCategory.objects.filter(pk__in=new_categories).values_list("pk", "name")
        )
    units = dict(
        SuggestionAssignment.objects.filter(
            suggestion_id__in=[row[0] for row in values],
            role=AssignmentRole.LEAD,
            status=AssignmentStatus.ACTIVE,
        ).values_list("suggestion_id", "unit__name")
    )
    listed = []
    for (
        pk,
        kind,
        title,
        status,
        number,
        is_key,
        due_on,
        session_id,
        category_id,
        deputy_name,
        main_id,
        main_number,
        main_kind,
    ) in values:
        row = ListRow(
            pk=pk,
            kind=kind,
            title=title,
            status=status,
            number=number,
            is_key=is_key,
            due_on=due_on,
            session_name=None if session_id is None else sessions[session_id],
            category_name=categories[category_id],
            deputy_name=deputy_name,
            main_number=None
            if main_id is None
            else Suggestion.number_display.fget(_Numbered(main_kind, main_number)),
            lead_unit_name=units.get(pk),
        )
        row.deadline = deadline(row, today)
        listed.append(row)
    return listed


@dataclass(slots=True)
class _Numbered:
    kind: str
    number: int | None


def supervision_counts(*, membership: Membership, today: date | None = None) -> dict[str, int]:
    """The figures above the list, in one query: being handled, overdue, due soon, waiting for
    acceptance, key."""
    today = today or timezone.localdate()
    # No figure counts a closed suggestion, and after a few years nine in ten are closed: naming
    # the other statuses lets the status index skip them instead of reading every suggestion.
    not_closed = [status for status in SuggestionStatus.values if status != SuggestionStatus.CLOSED]
    # A handful of groups, one per status and key mark, summed here: cheaper to ask for than
    # one filtered count per figure.
    groups = (
        suggestion_visible(membership=membership)
        .filter(status__in=not_closed)
        .values_list("status", "is_key")
        .annotate(
            count=Count("pk"),
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due_soon=Count(
                "pk",
                filter=Q(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)),
            ),
        )
        .order_by()
    )
    counts = {"handling": 0, "overdue": 0, "due_soon": 0, "waiting": 0, "key": 0}
    for status, is_key, count, overdue, due_soon in groups:
        if status in HANDLING_STATUSES:
            counts["handling"] += count
            counts["overdue"] += overdue
            counts["due_soon"] += due_soon
        elif status == SuggestionStatus.SUBMITTED:
            counts["waiting"] += count
        if is_key:
            counts["key"] += count
    return counts


def filter_choices() -> dict:
    """Sessions, categories and units for the filters (three small queries)."""
    return {
        "sessions": list(
            CongressSession.objects.order_by("-starts_on", "-id").values_list("pk", "name")
        ),
        "categories": list(
            SuggestionCategory.objects.order_by("position", "id").values_list("pk", "name")
        ),
        "units": list(HandlingUnit.objects.order_by("kind", "name").values_list("pk", "name")),
    }


# One suggestion ------------------------------------------------------------------------------


def suggestion_record(*, suggestion: Suggestion) -> dict:
    """Everything the staff detail page and the API show about one suggestion, one query per
    kind of record whatever their number."""
    from suggestions.models import (
        ContactLog,
        SuggestionAssignment,
        SuggestionAttachment,
        SuggestionCosigner,
        SuggestionEvent,
        SuggestionExtension,
        SuggestionFeedback,
        SuggestionReply,
        SupervisionEntry,
    )

    return {
        "cosigners": list(
            SuggestionCosigner.objects.filter(suggestion=suggestion).select_related("deputy")
        ),
        "attachments": list(SuggestionAttachment.objects.filter(suggestion=suggestion)),
        "assignments": list(
            SuggestionAssignment.objects.filter(suggestion=suggestion)
            .select_related("unit", "assigned_by")
            .order_by("role", "assigned_on", "id")
        ),
        "extensions": list(
            SuggestionExtension.objects.filter(suggestion=suggestion).select_related("recorded_by")
        ),
        "contacts": list(
            ContactLog.objects.filter(suggestion=suggestion).select_related("unit", "recorded_by")
        ),
        "replies": list(
            SuggestionReply.objects.filter(suggestion=suggestion).select_related(
                "unit", "replied_by"
            )
        ),
        "feedback": list(
            SuggestionFeedback.objects.filter(suggestion=suggestion).select_related(
                "deputy", "rated_by"
            )
        ),
        "supervision": list(
            SupervisionEntry.objects.filter(suggestion=suggestion).select_related("recorded_by")
        ),
        "events": [
            _labelled(event)
            for event in SuggestionEvent.objects.filter(suggestion=suggestion).select_related(
                "actor"
            )
        ],
        "followers": list(
            Suggestion.objects.filter(merged_into=suggestion)
            .select_related("lead_deputy")
            .order_by("number", "id")
        ),
    }


def _labelled(event):
    event.label = EVENT_LABELS.get(event.action, event.action)
    return event


def merge_candidates(*, suggestion: Suggestion) -> QuerySet[Suggestion]:
    """The suggestions this one could be handled together with: accepted, not yet assigned,
    of the same type, and not merged into another (no chains)."""
    return (
        Suggestion.objects.filter(
            status=SuggestionStatus.ACCEPTED,
            kind=suggestion.kind,
            merged_into__isnull=True,
        )
        .exclude(pk=suggestion.pk)
        .select_related("lead_deputy")
        .order_by("series", "number", "id")
    )
