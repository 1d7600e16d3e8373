"""Staff's word on the working-day calendar: a congress's own days (add, change, remove, a whole
holiday notice at once), and the month view that says where each day's answer comes from."""

from __future__ import annotations

import calendar as month_calendar
import copy
from dataclasses import dataclass
from datetime import date

import chinese_calendar
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.calendar import is_known_year
from congress.errors import DomainError
from congress.history import history_bulk_record
from congress.models import CalendarOverride, Congress, User

# Where a day's answer comes from, in the order the calendar service asks.
SOURCE_OVERRIDE = "override"
SOURCE_NATIONAL = "national"
SOURCE_WEEKDAY = "weekday"
SOURCE_LABELS = {
    SOURCE_OVERRIDE: gettext_lazy("set by this congress"),
    SOURCE_NATIONAL: gettext_lazy("national holiday arrangements"),
    SOURCE_WEEKDAY: gettext_lazy("Monday to Friday (no arrangements known)"),
}
SOURCE_SHORT = {
    SOURCE_OVERRIDE: gettext_lazy("own entry"),
    SOURCE_NATIONAL: gettext_lazy("national plan"),
    SOURCE_WEEKDAY: gettext_lazy("by weekday"),
}
HOLIDAY_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


@dataclass(frozen=True)
class OverrideEntry:
    """One day of a holiday notice as staff typed it."""

    day: date
    is_working_day: bool
    note: str = ""


@dataclass(frozen=True)
class CalendarDay:
    day: date
    is_working_day: bool
    source: str
    note: str
    in_month: bool
    override_id: int | None = None

    @property
    def source_short(self) -> str:
        return str(SOURCE_SHORT[self.source])

    @property
    def source_label(self) -> str:
        return str(SOURCE_LABELS[self.source])

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5


# --- Writes ---------------------------------------------------------------------------------


def _date_taken_error(day: date) -> DomainError:
    return DomainError(
        _("%(date)s already has an entry: change that one instead.") % {"date": day.isoformat()},
        field="date",
    )


@transaction.atomic
def calendar_override_save(
    *,
    actor: User,
    congress: Congress,
    day: date,
    is_working_day: bool,
    note: str = "",
    override: CalendarOverride | None = None,
) -> CalendarOverride:
    """Add a congress's own day, or change one (`override`); one entry per date."""
    taken = CalendarOverride.objects.filter(date=day)
    if override is not None:
        taken = taken.exclude(pk=override.pk)
    if taken.exists():
        raise _date_taken_error(day)
    if override is None:
        override = CalendarOverride(congress=congress)
    override.date = day
    override.is_working_day = is_working_day
    override.note = note.strip()
    override._history_user = actor
    try:
        with transaction.atomic():
            override.save()
    except IntegrityError as error:
        # Two staff saving the same date at once: the second is told, not shown an error page.
        raise _date_taken_error(day) from error
    return override


@transaction.atomic
def calendar_override_delete(*, actor: User, override: CalendarOverride) -> None:
    """Remove a congress's own day: the date follows the national arrangements again."""
    override._history_user = actor
    override.delete()


@transaction.atomic
def calendar_overrides_import(
    *, actor: User, congress: Congress, entries: list[OverrideEntry]
) -> tuple[int, int]:
    """Enter a whole holiday notice: new dates are added, dates already entered are replaced.

    Returns (added, changed). Dates must be distinct (the form checks it line by line).
    """
    if len({entry.day for entry in entries}) != len(entries):
        raise DomainError(_("Each date may appear only once."))
    existing = {
        override.date: override
        for override in CalendarOverride.objects.filter(date__in=[e.day for e in entries])
    }
    created: list[CalendarOverride] = []
    changed: list[CalendarOverride] = []
    previous: dict[int, CalendarOverride] = {}
    for entry in entries:
        override = existing.get(entry.day)
        note = entry.note.strip()[:100]
        if override is None:
            created.append(
                CalendarOverride(
                    congress=congress,
                    date=entry.day,
                    is_working_day=entry.is_working_day,
                    note=note,
                )
            )
        elif (override.is_working_day, override.note) != (entry.is_working_day, note):
            previous[override.pk] = copy.copy(override)
            override.is_working_day = entry.is_working_day
            override.note = note
            changed.append(override)
    CalendarOverride.objects.bulk_create(created)
    history_bulk_record(created, user=actor, history_type="+")
    if changed:
        CalendarOverride.objects.bulk_update(changed, ["is_working_day", "note"])
        history_bulk_record(changed, user=actor, history_type="~", previous=previous)
    return len(created), len(changed)


# --- Reads ----------------------------------------------------------------------------------


def override_years() -> list[int]:
    """The years this congress has entered days for, newest first."""
    return list(
        CalendarOverride.objects.annotate(year=ExtractYear("date"))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def override_list(*, year: int) -> QuerySet[CalendarOverride]:
    return CalendarOverride.objects.filter(date__year=year).order_by("date")


def month_weeks(*, year: int, month: int) -> list[list[CalendarDay]]:
    """The month as weeks (Monday first) of days, each with its answer and where it comes from.

    The same order of questions as congress.calendar: the congress's own day, the national
    arrangements for an announced year, then Monday to Friday. One query.
    """
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    overrides = {
        override.date: override
        for override in CalendarOverride.objects.filter(date__range=(first, last))
    }
    known = {y: is_known_year(y) for y in range(first.year, last.year + 1)}
    return [[_calendar_day(day, month, overrides, known) for day in week] for week in weeks]


def _calendar_day(
    day: date, month: int, overrides: dict[date, CalendarOverride], known: dict[int, bool]
) -> CalendarDay:
    in_month = day.month == month
    override = overrides.get(day)
    if override is not None:
        return CalendarDay(
            day, override.is_working_day, SOURCE_OVERRIDE, override.note, in_month, override.pk
        )
    if known[day.year]:
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        note = HOLIDAY_NAMES.get(name, "") if name else ""
        return CalendarDay(day, not is_holiday, SOURCE_NATIONAL, note, in_month)
    return CalendarDay(day, day.weekday() < 5, SOURCE_WEEKDAY, "", in_month)
