"""Working days: national holidays and make-up days, a congress's overrides, unknown years."""

from __future__ import annotations

from datetime import date

import pytest
from django_scopes import scopes_disabled

from congress.calendar import (
    add_working_days,
    is_working_day,
    unannounced_years,
    working_days_between,
)
from congress.models import CalendarOverride


@pytest.mark.parametrize(
    ("start", "count", "due"),
    [
        # Tue 29 Sep 2026 + 7: 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct (make-up day), 12, 13, 14 Oct.
        (date(2026, 9, 29), 7, date(2026, 10, 14)),
        # The Mid-Autumn days off (25–27 Sep) are skipped too.
        (date(2026, 9, 24), 1, date(2026, 9, 28)),
        (date(2026, 10, 1), 1, date(2026, 10, 8)),
        # An ordinary week.
        (date(2026, 11, 16), 5, date(2026, 11, 23)),
        (date(2026, 11, 20), 0, date(2026, 11, 20)),
    ],
)
def test_working_days_follow_the_national_holidays(tenant_a, start, count, due):
    with tenant_a.scope():
        assert add_working_days(start, count) == due


def test_make_up_saturdays_are_working_days(tenant_a):
    with tenant_a.scope():
        assert is_working_day(date(2026, 10, 10))
        assert not is_working_day(date(2026, 10, 11))
        assert not is_working_day(date(2026, 10, 5))


def test_a_congress_override_wins_only_in_its_congress(tenant_a, tenant_b):
    with scopes_disabled():  # test setup
        CalendarOverride.objects.create(
            congress=tenant_a.congress, date=date(2026, 11, 18), is_working_day=False, note="区庆"
        )
    with tenant_a.scope():
        assert not is_working_day(date(2026, 11, 18))
        assert add_working_days(date(2026, 11, 17), 1) == date(2026, 11, 19)
    with tenant_b.scope():
        assert is_working_day(date(2026, 11, 18))
        assert add_working_days(date(2026, 11, 17), 1) == date(2026, 11, 18)


def test_an_unannounced_year_falls_back_to_weekdays_and_says_so(tenant_a):
    with tenant_a.scope():
        # 2027 is not in the package: Fri 1 Jan 2027 counts as a weekday until staff say otherwise.
        assert is_working_day(date(2027, 1, 1))
        assert add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)
        assert unannounced_years(date(2026, 11, 21)) == [2027]
        assert unannounced_years(date(2026, 3, 1)) == []


def test_a_single_local_day_off_does_not_silence_the_warning(tenant_a):
    with scopes_disabled():  # test setup
        CalendarOverride.objects.create(
            congress=tenant_a.congress, date=date(2027, 3, 9), is_working_day=False, note="区庆"
        )
    with tenant_a.scope():
        assert unannounced_years(date(2026, 11, 21)) == [2027]


def test_overrides_fill_an_unannounced_year(tenant_a):
    with scopes_disabled():  # test setup
        for day in (1, 2, 3, 4, 5):
            CalendarOverride.objects.create(
                congress=tenant_a.congress, date=date(2027, 1, day), is_working_day=False
            )
    with tenant_a.scope():
        assert not is_working_day(date(2027, 1, 1))
        assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 6)
        assert unannounced_years(date(2026, 11, 21)) == []


def test_working_days_between(tenant_a):
    with tenant_a.scope():
        assert working_days_between(date(2026, 9, 29), date(2026, 10, 14)) == 7
        assert working_days_between(date(2026, 10, 14), date(2026, 9, 29)) == 0


def test_a_negative_count_is_a_programming_error(tenant_a):
    with tenant_a.scope(), pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
