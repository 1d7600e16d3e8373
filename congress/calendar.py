"""Working days: the State Council's holidays and make-up workdays (调休), then each congress's own
overrides, then plain weekdays for years nobody has announced yet."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

from congress.models import CalendarOverride

# The longest run of days off in a row in any announced year is 9; a year of days is a safe
# bound for a loop that must end even when a congress marks far too many days off.
SEARCH_LIMIT_DAYS = 366


@lru_cache(maxsize=8192)
def _announced(day: date) -> bool | None:
    """True or False as the package knows the day; None for a year it does not know."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def is_known_year(year: int) -> bool:
    return _announced(date(year, 1, 1)) is not None


def _overrides(start: date, end: date) -> dict[date, bool]:
    return dict(
        CalendarOverride.objects.filter(date__range=(start, end)).values_list(
            "date", "is_working_day"
        )
    )


def is_working_day(day: date) -> bool:
    """Within the active congress's scope: is `day` a working day?"""
    return _is_working_day(day, _overrides(day, day))


def _is_working_day(day: date, overrides: dict[date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    announced = _announced(day)
    if announced is not None:
        return announced
    return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (the day it arrives does not count).

    A message received on a Friday before the National Day week with a 7-working-day limit is
    due seven working days later, counting the make-up Saturday and skipping the holiday.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    overrides = _overrides(start, start + timedelta(days=count * 2 + SEARCH_LIMIT_DAYS))
    day = start
    remaining = count
    for _step in range(count + SEARCH_LIMIT_DAYS * 2):
        if remaining == 0:
            return day
        day += timedelta(days=1)
        if _is_working_day(day, overrides):
            remaining -= 1
    raise ValueError("No working days found: check the calendar's days off.")


def working_days_between(start: date, end: date) -> int:
    """How many working days after `start` up to and including `end` (0 if end <= start)."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    return sum(
        _is_working_day(start + timedelta(days=offset), overrides)
        for offset in range(1, (end - start).days + 1)
    )


MIN_DAYS_OFF_FOR_A_NOTICE = 5
# From October, three-month reply deadlines reach into the next year.
NEXT_YEAR_MATTERS_FROM_MONTH = 10


def days_off(dates) -> set[date]:
    """The dates among `dates` that are not working days, with one query for the overrides."""
    dates = set(dates)
    if not dates:
        return set()
    overrides = _overrides(min(dates), max(dates))
    return {day for day in dates if not _is_working_day(day, overrides)}


def unannounced_years(today: date) -> list[int]:
    """Years deadlines may fall in now (this year; the next one from October) for which the
    package has no data and the congress no overrides: staff are told to add the holidays."""
    years = []
    candidates = [today.year]
    if today.month >= NEXT_YEAR_MATTERS_FROM_MONTH:
        candidates.append(today.year + 1)
    for year in candidates:
        if is_known_year(year):
            continue
        # One local day off is not a year's holiday notice (New Year, Spring Festival, Qingming,
        # Labour Day, Dragon Boat, Mid-Autumn and National Day make far more than a handful).
        days_off = CalendarOverride.objects.filter(date__year=year, is_working_day=False)
        if days_off.count() < MIN_DAYS_OFF_FOR_A_NOTICE:
            years.append(year)
    return years
