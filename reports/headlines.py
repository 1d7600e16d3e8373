"""The headline numbers of a quarter (or of the year to its end), shared by the leadership
dashboard and the quarterly workbook's overview sheet, so both print the same figures.

Every figure counts rows of the active congress (the caller activates its scope). The period
is one calendar quarter (`year_to_date=False`) or 1 January to the end of the quarter
(`year_to_date=True`); days are local days (TIME_ZONE, Asia/Shanghai). Figures describe the
records as they stand now; `today` (default: the local date) only decides what is overdue.

Deputies and duties
- deputies: the `deputy_count` of the quarter's Ranking snapshot when the quarter was ranked
  (for the year to date: the chosen quarter's ranking, which ranks the same roster); otherwise
  the deputies whose status is "serving" now. `deputies_from_ranking` says which it was.
- duties: duty records (scoring DutyRecord) with kind "duty" (bonuses and deductions are not
  duties) and status in COUNTED_STATUSES (approved or confirmed: submitted, returned and
  rejected records do not count) whose occurred_on falls in the period.
- duties_per_deputy = duties / deputies.
- active_deputies: distinct deputies with at least one such duty in the period;
  active_share = active_deputies / deputies.

Suggestions (the definitions of suggestions.stats_selectors, restricted to the period)
- suggestions_received: suggestions with status in RECEIVED_STATUSES (submitted and not
  withdrawn; drafts never count) whose submitted_at falls in the period.
- suggestions_on_time: of those, first replied on or before the first due date
  (first_replied_on <= first_due_on) and not overdue now;
  suggestions_late: first replied after the first due date, or being handled (assigned or
  re-handled) with due_on before `today` (an item overdue now is late even if its first reply
  was on time); on_time_rate = on time / (on time + late).
- suggestions_replied: replied at least once (a reply class is set); suggestions_solved: whose
  latest reply class is the congress's "solved" class (A by default);
  solved_rate = solved / replied.
- suggestions_rated: closed with a final rating; suggestions_satisfied: closed with a final
  rating of satisfied or basically satisfied; satisfaction_rate = satisfied / rated.

Voter messages
- messages_received: voter messages whose created_at falls in the period.
- messages_answered: of those, answered (answered_at set).
- messages_in_time: answered on or before due_on (the local date of answered_at; see
  liaison.message_selectors.answered_in_time); messages_late: answered after due_on, or not
  answered yet with due_on before `today`;
  messages_in_time_rate = in time / (in time + late) (unanswered messages not yet due are
  left out, as suggestions not yet due are).

Warnings
- warnings: duty warnings (scoring DutyWarning, active or cleared) raised by the ranking of the
  quarter (for the year to date: by the rankings of that year's quarters up to it), in total and
  by level (warnings_by_level: yellow, orange, red, zero when none).
- warning_talks: warning talks (WarningTalk) with held_on in the period.

Every rate is None when its denominator is 0.

`quarter_headlines` runs at most eight queries and `headline_trend` at most eight for all its
quarters (one grouped query per source), whatever the amount of data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connections
from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncDate, TruncQuarter
from django.utils import timezone

from congress.models import Congress
from deputies.models import Deputy, DeputyStatus
from liaison.models import VoterMessage
from scoring.models import (
    COUNTED_STATUSES,
    DutyRecord,
    DutyWarning,
    ItemKind,
    Ranking,
    WarningLevel,
    WarningTalk,
)
from suggestions.models import (
    HANDLING_STATUSES,
    RECEIVED_STATUSES,
    SATISFIED_RATINGS,
    Suggestion,
    SuggestionStatus,
)


def _rate(numerator: int | float, denominator: int | float) -> float | None:
    return None if not denominator else numerator / denominator


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a quarter."""
    first = date(year, 3 * quarter - 2, 1)
    after = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, after - timedelta(days=1)


def period_bounds(year: int, quarter: int, *, year_to_date: bool = False) -> tuple[date, date]:
    """The first and last day of the quarter, or of 1 January to the quarter's end."""
    first, last = quarter_bounds(year, quarter)
    return (date(year, 1, 1) if year_to_date else first), last


def previous_period(year: int, quarter: int, *, year_to_date: bool = False) -> tuple[int, int]:
    """What a period is compared with: the quarter before it, or for the year to date the same
    quarters of the year before (Q1-Q3 of 2026 against Q1-Q3 of 2025)."""
    if year_to_date:
        return year - 1, quarter
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def last_ended_quarter(today: date | None = None) -> tuple[int, int]:
    """The latest quarter that has ended by `today` (the dashboard's default)."""
    today = today or timezone.localdate()
    current = (today.month - 1) // 3 + 1
    return previous_period(today.year, current)


def _shift(year: int, quarter: int, quarters: int) -> tuple[int, int]:
    index = year * 4 + quarter - 1 + quarters
    return index // 4, index % 4 + 1


@dataclass
class Headlines:
    """The headline figures of one period; see the module docstring for each definition."""

    year: int
    quarter: int
    year_to_date: bool
    start: date
    end: date
    today: date
    deputies: int = 0
    deputies_from_ranking: bool = False
    duties: int = 0
    active_deputies: int = 0
    suggestions_received: int = 0
    suggestions_on_time: int = 0
    suggestions_late: int = 0
    suggestions_replied: int = 0
    suggestions_solved: int = 0
    suggestions_rated: int = 0
    suggestions_satisfied: int = 0
    messages_received: int = 0
    messages_answered: int = 0
    messages_in_time: int = 0
    messages_late: int = 0
    warnings_by_level: dict[str, int] = field(default_factory=dict)
    warning_talks: int = 0

    @property
    def label(self) -> str:
        """'2026Q2', or '2026Q1-Q2' for the year to date."""
        if self.year_to_date and self.quarter > 1:
            return f"{self.year}Q1-Q{self.quarter}"
        return f"{self.year}Q{self.quarter}"

    @property
    def duties_per_deputy(self) -> float | None:
        return _rate(self.duties, self.deputies)

    @property
    def active_share(self) -> float | None:
        return _rate(self.active_deputies, self.deputies)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.suggestions_on_time, self.suggestions_on_time + self.suggestions_late)

    @property
    def solved_rate(self) -> float | None:
        return _rate(self.suggestions_solved, self.suggestions_replied)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.suggestions_satisfied, self.suggestions_rated)

    @property
    def messages_in_time_rate(self) -> float | None:
        return _rate(self.messages_in_time, self.messages_in_time + self.messages_late)

    @property
    def warnings(self) -> int:
        return sum(self.warnings_by_level.values())

    def as_dict(self) -> dict:
        """Every figure by name, the rates included (what the workbook's overview prints)."""
        counts = {
            name: getattr(self, name)
            for name in self.__dataclass_fields__
            if name not in ("warnings_by_level",)
        }
        return {
            **counts,
            "warnings_by_level": dict(self.warnings_by_level),
            "warnings": self.warnings,
            "duties_per_deputy": self.duties_per_deputy,
            "active_share": self.active_share,
            "on_time_rate": self.on_time_rate,
            "solved_rate": self.solved_rate,
            "satisfaction_rate": self.satisfaction_rate,
            "messages_in_time_rate": self.messages_in_time_rate,
        }


# The conditional counts of each source, shared by the one-period and the per-quarter queries.


def _duty_rows(duties: QuerySet[DutyRecord], keys: tuple[str, ...] = ()) -> list[dict]:
    """Duties and active deputies of `duties`, per value of the `keys` fields (one row if none).

    Counted in two steps, per deputy and then per key: a distinct count would sort every
    record, grouping twice hashes them (a third of the time over a million records).
    """
    per_deputy = duties.values(*keys, "deputy_id").annotate(number=Count("pk")).order_by()
    sql, params = per_deputy.query.sql_with_params()
    connection = connections[per_deputy.db]
    columns = ", ".join(connection.ops.quote_name(key) for key in keys)
    select = f"{columns}, " if keys else ""
    group = f" GROUP BY {columns}" if keys else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {select}SUM(number), COUNT(*) FROM ({sql}) per_deputy{group}",  # noqa: S608
            params,
        )
        rows = cursor.fetchall()
    # PostgreSQL sums integers into a numeric (a Decimal): counts are whole numbers.
    return [
        {
            **dict(zip(keys, row, strict=False)),
            "duties": int(row[-2] or 0),
            "active_deputies": row[-1],
        }
        for row in rows
    ]


def _suggestion_metrics(*, solved_class: str, today: date) -> dict:
    overdue_now = Q(status__in=HANDLING_STATUSES, due_on__lt=today)
    replied_first = Q(first_replied_on__isnull=False)
    return {
        "suggestions_received": Count("pk"),
        "suggestions_on_time": Count(
            "pk", filter=replied_first & Q(first_replied_on__lte=F("first_due_on")) & ~overdue_now
        ),
        "suggestions_late": Count(
            "pk",
            filter=(replied_first & Q(first_replied_on__gt=F("first_due_on")) & ~overdue_now)
            | overdue_now,
        ),
        "suggestions_replied": Count("pk", filter=~Q(reply_class="")),
        "suggestions_solved": Count("pk", filter=Q(reply_class=solved_class) & ~Q(reply_class="")),
        "suggestions_rated": Count(
            "pk", filter=Q(status=SuggestionStatus.CLOSED) & ~Q(final_rating="")
        ),
        "suggestions_satisfied": Count(
            "pk", filter=Q(status=SuggestionStatus.CLOSED, final_rating__in=SATISFIED_RATINGS)
        ),
    }


def message_metrics(*, today: date) -> dict:
    answered = Q(answered_at__isnull=False)
    return {
        "messages_received": Count("pk"),
        "messages_answered": Count("pk", filter=answered),
        "messages_in_time": Count("pk", filter=answered & Q(answered_day__lte=F("due_on"))),
        "messages_late": Count(
            "pk",
            filter=(answered & Q(answered_day__gt=F("due_on")))
            | Q(answered_at__isnull=True, due_on__lt=today),
        ),
    }


def voter_messages() -> QuerySet[VoterMessage]:
    # The local day of the answer, as answered_in_time compares it with due_on.
    return VoterMessage.objects.annotate(answered_day=TruncDate("answered_at"))


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def within_days(field_name: str, start: date, end: date) -> Q:
    """A datetime field within the local days start..end (index-friendly bounds)."""
    after = _moment(end + timedelta(days=1))
    return Q(**{f"{field_name}__gte": _moment(start), f"{field_name}__lt": after})


def _quarter_of(field_name: str) -> TruncQuarter:
    """The first local day of the quarter a datetime falls in."""
    return TruncQuarter(field_name, output_field=DateField())


def _serving_deputies() -> int:
    return Deputy.objects.filter(status=DeputyStatus.SERVING).count()


def _received_suggestions() -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(status__in=RECEIVED_STATUSES)


def _counted_duties() -> QuerySet[DutyRecord]:
    return DutyRecord.objects.filter(status__in=COUNTED_STATUSES, kind=ItemKind.DUTY)


def _levels(rows) -> dict[str, int]:
    levels = {level: 0 for level in WarningLevel.values}
    for level, count in rows:
        levels[level] = levels.get(level, 0) + count
    return levels


def quarter_headlines(
    *,
    congress: Congress,
    year: int,
    quarter: int,
    year_to_date: bool = False,
    today: date | None = None,
) -> Headlines:
    """The headline figures of a quarter, or of 1 January to its end. Eight queries at most."""
    today = today or timezone.localdate()
    start, end = period_bounds(year, quarter, year_to_date=year_to_date)
    headlines = Headlines(
        year=year, quarter=quarter, year_to_date=year_to_date, start=start, end=end, today=today
    )

    ranked = Ranking.objects.filter(year=year, quarter=quarter).values_list(
        "deputy_count", flat=True
    )
    ranked = list(ranked[:1])
    if ranked:
        headlines.deputies, headlines.deputies_from_ranking = ranked[0], True
    else:
        headlines.deputies = _serving_deputies()

    duties = _counted_duties().filter(occurred_on__range=(start, end))
    duty_row = (_duty_rows(duties) or [{}])[0]
    suggestion_row = (
        _received_suggestions()
        .filter(within_days("submitted_at", start, end))
        .aggregate(**_suggestion_metrics(solved_class=congress.solved_reply_class, today=today))
    )
    message_row = (
        voter_messages()
        .filter(within_days("created_at", start, end))
        .aggregate(**message_metrics(today=today))
    )
    for row in (duty_row, suggestion_row, message_row):
        for name, value in row.items():
            setattr(headlines, name, value or 0)

    raised_by = Q(raised_by__year=year) & (
        Q(raised_by__quarter__lte=quarter) if year_to_date else Q(raised_by__quarter=quarter)
    )
    headlines.warnings_by_level = _levels(
        DutyWarning.objects.filter(raised_by)
        .values_list("level")
        .annotate(count=Count("pk"))
        .order_by()
    )
    headlines.warning_talks = WarningTalk.objects.filter(held_on__range=(start, end)).count()
    return headlines


def headline_trend(
    *, congress: Congress, year: int, quarter: int, count: int = 8, today: date | None = None
) -> list[Headlines]:
    """The headline figures of the `count` quarters up to this one, oldest first.

    Each equals quarter_headlines of its quarter; one grouped query per source covers them all
    (eight queries at most).
    """
    today = today or timezone.localdate()
    quarters = [_shift(year, quarter, offset) for offset in range(1 - count, 1)]
    first_start, _ = quarter_bounds(*quarters[0])
    _, last_end = quarter_bounds(*quarters[-1])
    by_quarter = {
        (y, q): Headlines(
            year=y,
            quarter=q,
            year_to_date=False,
            start=quarter_bounds(y, q)[0],
            end=quarter_bounds(y, q)[1],
            today=today,
        )
        for y, q in quarters
    }

    def key_of(day: date) -> tuple[int, int]:
        return day.year, (day.month - 1) // 3 + 1

    def fill(rows, key) -> None:
        for row in rows:
            found = by_quarter.get(key(row))
            if found is None:
                continue
            for name, value in row.items():
                if name in Headlines.__dataclass_fields__:
                    setattr(found, name, value or 0)

    ranked = dict(
        ((y, q), deputy_count)
        for y, q, deputy_count in Ranking.objects.filter(
            year__gte=quarters[0][0], year__lte=quarters[-1][0]
        ).values_list("year", "quarter", "deputy_count")
    )
    serving = None
    for key, headlines in by_quarter.items():
        if key in ranked:
            headlines.deputies, headlines.deputies_from_ranking = ranked[key], True
        else:
            if serving is None:
                serving = _serving_deputies()
            headlines.deputies = serving

    fill(
        _duty_rows(
            _counted_duties().filter(occurred_on__range=(first_start, last_end)),
            ("year", "quarter"),
        ),
        lambda row: (row["year"], row["quarter"]),
    )
    fill(
        _received_suggestions()
        .filter(within_days("submitted_at", first_start, last_end))
        .annotate(period=_quarter_of("submitted_at"))
        .values("period")
        .annotate(**_suggestion_metrics(solved_class=congress.solved_reply_class, today=today))
        .order_by(),
        lambda row: key_of(row["period"]),
    )
    fill(
        voter_messages()
        .filter(within_days("created_at", first_start, last_end))
        .annotate(period=_quarter_of("created_at"))
        .values("period")
        .annotate(**message_metrics(today=today))
        .order_by(),
        lambda row: key_of(row["period"]),
    )

    levels: dict[tuple[int, int], list] = defaultdict(list)
    for y, q, level, number in (
        DutyWarning.objects.filter(
            raised_by__year__gte=quarters[0][0], raised_by__year__lte=quarters[-1][0]
        )
        .values_list("raised_by__year", "raised_by__quarter", "level")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        levels[(y, q)].append((level, number))
    for key, headlines in by_quarter.items():
        headlines.warnings_by_level = _levels(levels.get(key, []))

    talks = (
        WarningTalk.objects.filter(held_on__range=(first_start, last_end))
        .annotate(period=TruncQuarter("held_on"))
        .values("period")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in talks:
        found = by_quarter.get(key_of(row["period"]))
        if found is not None:
            found.warning_talks = row["count"]
    return [by_quarter[key] for key in quarters]
