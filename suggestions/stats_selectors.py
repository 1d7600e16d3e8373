"""Suggestion statistics per congress, session, lead handling unit and category, counted in SQL.

Definitions (every figure counts suggestions of the chosen session or year and kind):

- received: submitted at least once and not withdrawn (status in RECEIVED_STATUSES; drafts and
  withdrawn ones are not counted anywhere);
- accepted: given a number (number not null); letters: turned into a letter for reference;
- replied on time: the first reply came on or before the first due date
  (first_replied_on <= first_due_on) and the item is not overdue now; extensions move the due
  date, so an approved extension is not late;
- late = closed late (first_replied_on > first_due_on) + open overdue (being handled in any
  round, due_on before today); an item overdue now counts as open overdue only, even when its
  first reply was on time (a re-handling past its date is late);
- overdue open: being handled in any round (assigned or re-handled) and due_on before today;
- on-time rate = on time / (on time + late), or None when nothing was due yet: an open overdue
  item is late, so the rate cannot show 100% while items are late;
- A-class rate = replies whose latest class is the congress's "solved" class (the first class
  configured, A by default) / suggestions replied at least once;
- satisfaction, first round = first ratings "satisfied" or "basically satisfied" / first rounds
  rated; final = final ratings satisfied or basically satisfied / closed suggestions with a
  rating (closed without a rating are not counted);
- re-handled: rated unsatisfied and reopened (round 2); key: marked for key supervision.

A suggestion's lead unit is the unit of its active lead assignment, or, when none is active
(the unit returned it after replying), the unit that gave the latest reply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from congress.models import Congress
from suggestions.models import (
    HANDLING_STATUSES,
    RECEIVED_STATUSES,
    SATISFIED_RATINGS,
    AssignmentRole,
    AssignmentStatus,
    CongressSession,
    HandlingUnit,
    Suggestion,
    SuggestionAssignment,
    SuggestionReply,
    SuggestionStatus,
)

# The key a recess row carries where a session row carries the session's id (also the value
# of the `session` filter that selects suggestions made in recess).
RECESS = "recess"


def _rate(numerator: int, denominator: int) -> float | None:
    return None if not denominator else numerator / denominator


@dataclass
class Figures:
    """The counts of one group (or of everything), and the rates drawn from them."""

    received: int = 0
    accepted: int = 0
    letters: int = 0
    assigned: int = 0
    replied: int = 0
    on_time: int = 0
    closed_late: int = 0
    open_overdue: int = 0
    overdue_open: int = 0
    solved_class: int = 0
    first_rated: int = 0
    first_satisfied: int = 0
    final_rated: int = 0
    final_satisfied: int = 0
    rehandled: int = 0
    key: int = 0
    # What the row is: a session, recess, a unit or a category.
    key_value: int | str | None = None
    label: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def late(self) -> int:
        return self.closed_late + self.open_overdue

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.on_time + self.late)

    @property
    def solved_rate(self) -> float | None:
        return _rate(self.solved_class, self.replied)

    @property
    def first_satisfaction_rate(self) -> float | None:
        return _rate(self.first_satisfied, self.first_rated)

    @property
    def final_satisfaction_rate(self) -> float | None:
        return _rate(self.final_satisfied, self.final_rated)

    def as_dict(self) -> dict:
        counts = {name: getattr(self, name) for name in COUNT_NAMES}
        return {
            **counts,
            "late": self.late,
            "on_time_rate": self.on_time_rate,
            "solved_rate": self.solved_rate,
            "first_satisfaction_rate": self.first_satisfaction_rate,
            "final_satisfaction_rate": self.final_satisfaction_rate,
        }


def _metrics(*, solved_class: str, today: date) -> dict:
    """The conditional counts, one aggregate each, shared by every grouping."""
    handling = Q(status__in=HANDLING_STATUSES)
    overdue_now = handling & Q(due_on__lt=today)
    return {
        "received": Count("pk"),
        "accepted": Count("pk", filter=Q(number__isnull=False)),
        "letters": Count("pk", filter=Q(status=SuggestionStatus.LETTER)),
        "assigned": Count("pk", filter=Q(assigned_on__isnull=False)),
        "replied": Count("pk", filter=~Q(reply_class="")),
        # An item overdue now (in either round) is late, even if its first reply was on time:
        # it counts under open_overdue only, so the on-time rate falls while anything is late.
        "on_time": Count(
            "pk",
            filter=Q(first_replied_on__isnull=False, first_replied_on__lte=F("first_due_on"))
            & ~overdue_now,
        ),
        "closed_late": Count(
            "pk",
            filter=Q(first_replied_on__isnull=False, first_replied_on__gt=F("first_due_on"))
            & ~overdue_now,
        ),
        "open_overdue": Count("pk", filter=overdue_now),
        "overdue_open": Count("pk", filter=handling & Q(due_on__lt=today)),
        "solved_class": Count("pk", filter=Q(reply_class=solved_class) & ~Q(reply_class="")),
        "first_rated": Count("pk", filter=~Q(first_rating="")),
        "first_satisfied": Count("pk", filter=Q(first_rating__in=SATISFIED_RATINGS)),
        "final_rated": Count("pk", filter=Q(status=SuggestionStatus.CLOSED) & ~Q(final_rating="")),
        "final_satisfied": Count(
            "pk", filter=Q(status=SuggestionStatus.CLOSED, final_rating__in=SATISFIED_RATINGS)
        ),
        "rehandled": Count("pk", filter=Q(round__gte=2)),
        "key": Count("pk", filter=Q(is_key=True)),
    }


COUNT_NAMES = tuple(
    name for name in Figures.__dataclass_fields__ if name not in ("key_value", "label", "extra")
)


def _figures(row: dict, *, key_value=None, label: str = "", **extra) -> Figures:
    return Figures(
        **{name: row.get(name) or 0 for name in COUNT_NAMES},
        key_value=key_value,
        label=label,
        extra=extra,
    )


@dataclass(frozen=True)
class StatisticsFilter:
    """Which suggestions are counted: a session (or RECESS), a year, a kind; empty for all."""

    session: int | str | None = None
    year: int | None = None
    kind: str = ""


def received_suggestions(filters: StatisticsFilter) -> QuerySet[Suggestion]:
    """The suggestions the statistics count, within the active congress's scope.

    A year selects the sessions that opened in that year and the recess suggestions submitted
    in it (the year their number series runs in).
    """
    suggestions = Suggestion.objects.filter(status__in=RECEIVED_STATUSES)
    if filters.session == RECESS:
        suggestions = suggestions.filter(session__isnull=True)
    elif filters.session:
        suggestions = suggestions.filter(session_id=filters.session)
    if filters.year:
        suggestions = suggestions.filter(
            Q(session__starts_on__year=filters.year)
            | Q(session__isnull=True, submitted_at__year=filters.year)
        )
    if filters.kind:
        suggestions = suggestions.filter(kind=filters.kind)
    return suggestions


def lead_unit_expression():
    """The unit answering for a suggestion: its active lead unit, else the last one to reply."""
    active_lead = SuggestionAssignment.objects.filter(
        suggestion=OuterRef("pk"), role=AssignmentRole.LEAD, status=AssignmentStatus.ACTIVE
    ).values("unit_id")[:1]
    last_reply = (
        SuggestionReply.objects.filter(suggestion=OuterRef("pk"))
        .order_by("-round")
        .values("unit_id")[:1]
    )
    return Coalesce(
        Subquery(active_lead, output_field=IntegerField()),
        Subquery(last_reply, output_field=IntegerField()),
    )


@dataclass
class Statistics:
    total: Figures
    by_session: list[Figures]
    by_unit: list[Figures]
    by_category: list[Figures]
    by_status: list[tuple[str, str, int]]
    today: date
    solved_class: str


def statistics(
    *, congress: Congress, filters: StatisticsFilter | None = None, today: date | None = None
) -> Statistics:
    """Every figure of the dashboard: the whole, then per session, lead unit and category.

    Six queries whatever the number of suggestions (one per grouping, one for the unit names).
    """
    filters = filters or StatisticsFilter()
    today = today or timezone.localdate()
    solved = congress.solved_reply_class
    metrics = _metrics(solved_class=solved, today=today)
    base = received_suggestions(filters)

    total = _figures(base.aggregate(**metrics), label="")

    by_session = []
    session_rows = (
        base.values("session_id", "session__name", "session__starts_on")
        .annotate(**metrics)
        .order_by(F("session__starts_on").desc(nulls_last=True), "session_id")
    )
    for row in session_rows:
        if row["session_id"] is None:
            by_session.append(_figures(row, key_value=RECESS, label=""))
        else:
            by_session.append(
                _figures(row, key_value=row["session_id"], label=row["session__name"])
            )

    unit_rows = list(
        base.annotate(lead_unit=lead_unit_expression())
        .filter(lead_unit__isnull=False)
        .values("lead_unit")
        .annotate(**metrics)
        .order_by("lead_unit")
    )
    names = dict(
        HandlingUnit.objects.filter(pk__in=[row["lead_unit"] for row in unit_rows]).values_list(
            "pk", "name"
        )
    )
    by_unit = sorted(
        (
            _figures(row, key_value=row["lead_unit"], label=names.get(row["lead_unit"], ""))
            for row in unit_rows
        ),
        key=lambda figures: (-figures.received, figures.label),
    )

    by_category = [
        _figures(row, key_value=row["category_id"], label=row["category__name"])
        for row in base.values("category_id", "category__name", "category__position")
        .annotate(**metrics)
        .order_by("category__position", "category_id")
    ]

    counts = dict(base.values_list("status").annotate(count=Count("pk")).order_by())
    by_status = [
        (status, label, counts[status])
        for status, label in SuggestionStatus.choices
        if counts.get(status)
    ]
    return Statistics(
        total=total,
        by_session=by_session,
        by_unit=by_unit,
        by_category=by_category,
        by_status=by_status,
        today=today,
        solved_class=solved,
    )


def filter_choices() -> dict:
    """What the filter form offers: the sessions and the years there are suggestions in."""
    sessions = list(CongressSession.objects.order_by("-starts_on", "-id").values_list("pk", "name"))
    years = {day.year for day in CongressSession.objects.dates("starts_on", "year")}
    years |= {
        moment.year
        for moment in Suggestion.objects.filter(
            session__isnull=True, submitted_at__isnull=False
        ).datetimes("submitted_at", "year")
    }
    return {"sessions": sessions, "years": sorted(years, reverse=True)}
