"""The headline numbers, checked against a small congress counted by hand (see world.py)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.headlines import (
    headline_trend,
    last_ended_quarter,
    period_bounds,
    previous_period,
    quarter_headlines,
)
from tests.factories import DutyRecordFactory, SuggestionFactory, VoterMessageFactory
from tests.reports.world import TODAY, at

pytestmark = pytest.mark.django_db


def _headlines(tenant, year=2026, quarter=2, **options):
    with tenant.scope():
        return quarter_headlines(
            congress=tenant.congress, year=year, quarter=quarter, today=TODAY, **options
        )


def test_the_quarter(tenant_a, world):
    figures = _headlines(tenant_a)
    assert (figures.start, figures.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert figures.label == "2026Q2"
    # The ranking's 8 deputies, not the 4 serving now.
    assert (figures.deputies, figures.deputies_from_ranking) == (8, True)
    assert figures.duties == 4
    # Whole numbers on every database (PostgreSQL sums integers into a Decimal).
    assert type(figures.duties) is int and type(figures.active_deputies) is int
    assert figures.duties_per_deputy == 0.5
    assert figures.active_deputies == 2
    assert figures.active_share == 0.25
    assert figures.suggestions_received == 4
    assert (figures.suggestions_on_time, figures.suggestions_late) == (1, 2)
    assert figures.on_time_rate == pytest.approx(1 / 3)
    assert (figures.suggestions_solved, figures.suggestions_replied) == (1, 2)
    assert figures.solved_rate == 0.5
    assert (figures.suggestions_satisfied, figures.suggestions_rated) == (1, 2)
    assert figures.satisfaction_rate == 0.5
    assert figures.messages_received == 4
    assert figures.messages_answered == 2
    assert (figures.messages_in_time, figures.messages_late) == (1, 2)
    assert figures.messages_in_time_rate == pytest.approx(1 / 3)
    assert figures.warnings_by_level == {"yellow": 2, "orange": 1, "red": 0}
    assert figures.warnings == 3
    assert figures.warning_talks == 1


def test_the_year_to_date(tenant_a, world):
    figures = _headlines(tenant_a, year_to_date=True)
    assert (figures.start, figures.end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert figures.label == "2026Q1-Q2"
    assert figures.deputies == 8
    assert figures.duties == 5
    assert figures.duties_per_deputy == 5 / 8
    assert figures.active_deputies == 3
    assert figures.active_share == 3 / 8
    assert figures.suggestions_received == 5
    assert (figures.suggestions_on_time, figures.suggestions_late) == (2, 2)
    assert figures.on_time_rate == 0.5
    assert figures.solved_rate == 2 / 3
    assert figures.satisfaction_rate == 2 / 3
    assert figures.messages_received == 5
    assert figures.messages_answered == 3
    assert (figures.messages_in_time, figures.messages_late) == (2, 2)
    assert figures.messages_in_time_rate == 0.5
    # The red warning of 2025Q2 is another year's.
    assert figures.warnings_by_level == {"yellow": 3, "orange": 1, "red": 1}
    assert figures.warning_talks == 2


def test_the_first_quarter_has_its_own_ranking(tenant_a, world):
    figures = _headlines(tenant_a, quarter=1)
    assert figures.deputies == 5
    assert (figures.duties, figures.active_deputies) == (1, 1)
    assert figures.suggestions_received == 1  # submitted at 23:00 on 31 March, local time
    assert figures.on_time_rate == 1.0
    assert figures.messages_in_time_rate == 1.0
    assert figures.warnings_by_level == {"yellow": 1, "orange": 0, "red": 1}


def test_a_quarter_without_a_ranking_counts_the_serving_deputies(tenant_a, world):
    figures = _headlines(tenant_a, year=2025, quarter=4)
    assert (figures.deputies, figures.deputies_from_ranking) == (4, False)
    assert figures.duties == 1
    assert figures.duties_per_deputy == 0.25


def test_an_empty_quarter_has_no_rates(tenant_a, tenant_b, world):
    figures = _headlines(tenant_a, year=2024, quarter=1)
    assert figures.suggestions_received == figures.messages_received == figures.warnings == 0
    assert figures.on_time_rate is None
    assert figures.solved_rate is None
    assert figures.satisfaction_rate is None
    assert figures.messages_in_time_rate is None
    assert figures.duties_per_deputy == 0  # four serving deputies did nothing
    # A congress with nobody in it: every rate is None, and B does not see A's rows.
    empty = _headlines(tenant_b)
    assert empty.deputies == 0
    for name in (
        "duties_per_deputy",
        "active_share",
        "on_time_rate",
        "solved_rate",
        "satisfaction_rate",
        "messages_in_time_rate",
    ):
        assert empty.as_dict()[name] is None, name


def test_the_trend_equals_each_quarter(tenant_a, world):
    with tenant_a.scope():
        trend = headline_trend(congress=tenant_a.congress, year=2026, quarter=2, today=TODAY)
    assert [figures.label for figures in trend] == [
        "2024Q3",
        "2024Q4",
        "2025Q1",
        "2025Q2",
        "2025Q3",
        "2025Q4",
        "2026Q1",
        "2026Q2",
    ]
    for figures in trend:
        alone = _headlines(tenant_a, year=figures.year, quarter=figures.quarter)
        assert asdict(figures) == asdict(alone), figures.label
    assert trend[-1].duties == 4
    assert all(type(figures.duties) is int for figures in trend)
    assert trend[3].warnings_by_level["red"] == 1  # 2025Q2


def test_periods():
    assert previous_period(2026, 1) == (2025, 4)
    assert previous_period(2026, 3) == (2026, 2)
    assert previous_period(2026, 3, year_to_date=True) == (2025, 3)
    assert period_bounds(2026, 4, year_to_date=True) == (date(2026, 1, 1), date(2026, 12, 31))
    assert last_ended_quarter(date(2026, 7, 1)) == (2026, 2)
    assert last_ended_quarter(date(2026, 2, 28)) == (2025, 4)


def test_the_query_count_does_not_grow_with_the_data(tenant_a, world):
    def run():
        with CaptureQueriesContext(connection) as queries:
            _headlines(tenant_a)
            _headlines(tenant_a, year_to_date=True)
            with tenant_a.scope():
                headline_trend(congress=tenant_a.congress, year=2026, quarter=2, today=TODAY)
        return len(queries)

    small = run()
    with tenant_a.scope():  # test setup
        for day in range(1, 25):
            DutyRecordFactory(congress=tenant_a.congress, occurred_on=date(2026, 5, day))
            SuggestionFactory(congress=tenant_a.congress, submitted_at=at(2026, 5, day))
            VoterMessageFactory(
                congress=tenant_a.congress, created_at=at(2026, 5, day), due_on=date(2026, 6, 1)
            )
    assert run() == small
    assert small <= 8 + 8 + 8
    assert _headlines(tenant_a).duties == 4 + 24
