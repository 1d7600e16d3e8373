"""The demo suggestions: the counts the reports give, every state, idempotent, and the dashboard
numbers equal to the records counted one by one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from congress import demo as congress_demo
from congress.models import Congress
from deputies import demo as deputies_demo
from suggestions import demo
from suggestions.models import (
    HANDLING_STATUSES,
    RECEIVED_STATUSES,
    SATISFIED_RATINGS,
    NumberCounter,
    Suggestion,
    SuggestionEvent,
    SuggestionFeedback,
    SuggestionStatus,
    UnitLiaison,
)
from suggestions.stats_selectors import RECESS, lead_unit_expression, statistics

QUERY_CEILING = 600


@pytest.fixture(scope="module")
def seeded_once(module_db):
    """Seeded once for the module (see module_db); returns the congress and the number of
    queries the suggestions demo took."""
    with module_db():
        congress_demo.seed()
        deputies_demo.seed()
        with CaptureQueriesContext(connection) as queries:
            demo.seed()
        return Congress.objects.get(slug="xiangcheng"), len(queries)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def _snapshot() -> dict:
    with scopes_disabled():  # test check across both demo congresses
        return {
            "suggestions": sorted(
                Suggestion.objects.values_list("congress_id", "title", "status", "number")
            ),
            "events": SuggestionEvent.objects.count(),
            "feedback": SuggestionFeedback.objects.count(),
            "counters": sorted(NumberCounter.objects.values_list("series", "last_number")),
        }


def test_the_counts_the_report_gives_and_every_state(seeded):
    congress, queries = seeded
    # Written in bulk: a few hundred suggestions with their events in about 400 queries.
    assert queries < QUERY_CEILING, queries
    with scope(congress=congress):
        received = Suggestion.objects.filter(status__in=RECEIVED_STATUSES)
        assert received.filter(session__name="十七届人大四次会议").count() == 107
        assert received.filter(session__isnull=True).count() == 69
        assert Suggestion.objects.filter(round=2).count() == 5
        statuses = set(Suggestion.objects.values_list("status", flat=True))
        assert statuses >= set(SuggestionStatus.values)
        assert 8 <= Suggestion.objects.filter(is_key=True).count() <= 12
        assert not Suggestion.objects.filter(is_key=True, key_leading_official="").exists()
        today = timezone.localdate()
        # Late ones of both kinds: open overdue and closed late.
        assert Suggestion.objects.filter(
            status__in=HANDLING_STATUSES, due_on__lt=today, first_replied_on__isnull=True
        ).exists()
        closed_late = [
            suggestion
            for suggestion in Suggestion.objects.filter(first_replied_on__isnull=False)
            if suggestion.first_replied_on > suggestion.first_due_on
        ]
        assert closed_late
        # Every re-handled one has both ratings, and those closed have a satisfied final one.
        for suggestion in Suggestion.objects.filter(round=2):
            assert suggestion.first_rating == "unsatisfied"
            assert suggestion.joint_supervision
            if suggestion.status == SuggestionStatus.CLOSED:
                assert suggestion.final_rating in SATISFIED_RATINGS
        # Every numbered suggestion carries its trail, and counters continue the series.
        for series, last in NumberCounter.objects.values_list("series", "last_number"):
            numbers = sorted(
                Suggestion.objects.filter(series=series).values_list("number", flat=True)
            )
            assert numbers == list(range(1, last + 1))
        assert not Suggestion.objects.filter(
            status__in=RECEIVED_STATUSES, events__isnull=True
        ).exists()
        # Nothing in the demo happened in the future.
        assert not SuggestionEvent.objects.filter(at__gt=timezone.now()).exists()
        # The demo deputy has replies to rate; the demo unit liaison has work to answer.
        assert SuggestionFeedback.objects.filter(
            deputy__user__username="13971000001", rating="", suggestion__status="replied"
        ).exists()
        unit = UnitLiaison.objects.get(user__username="xc-unit").unit
        assert Suggestion.objects.filter(
            assignments__unit=unit, assignments__status="active", status="assigned"
        ).exists()
    with scope(congress=Congress.objects.get(slug="shiguai")):
        assert Suggestion.objects.filter(status__in=RECEIVED_STATUSES).count() == 24 + 12


def test_seeding_again_changes_nothing(seeded):
    before = _snapshot()
    demo.seed()
    assert _snapshot() == before


def test_the_dashboard_numbers_match_the_records(seeded):
    """The numbers match the records: every figure recounted in Python from the rows."""
    congress, _queries = seeded
    today = timezone.localdate()
    with scope(congress=congress):
        stats = statistics(congress=congress, today=today)
        rows = list(
            Suggestion.objects.filter(status__in=RECEIVED_STATUSES).annotate(
                lead_unit=lead_unit_expression()
            )
        )
    solved = congress.solved_reply_class

    def recount(items) -> dict:
        on_time = sum(
            1 for s in items if s.first_replied_on and s.first_replied_on <= s.first_due_on
        )
        closed_late = sum(
            1 for s in items if s.first_replied_on and s.first_replied_on > s.first_due_on
        )
        open_overdue = sum(
            1
            for s in items
            if s.status in HANDLING_STATUSES and not s.first_replied_on and s.due_on < today
        )
        return {
            "received": len(items),
            "accepted": sum(1 for s in items if s.number),
            "letters": sum(1 for s in items if s.status == "letter"),
            "on_time": on_time,
            "closed_late": closed_late,
            "open_overdue": open_overdue,
            "solved_class": sum(1 for s in items if s.reply_class == solved),
            "replied": sum(1 for s in items if s.reply_class),
            "first_satisfied": sum(1 for s in items if s.first_rating in SATISFIED_RATINGS),
            "final_satisfied": sum(
                1 for s in items if s.status == "closed" and s.final_rating in SATISFIED_RATINGS
            ),
            "rehandled": sum(1 for s in items if s.round == 2),
            "key": sum(1 for s in items if s.is_key),
        }

    def figures(row) -> dict:
        return {name: getattr(row, name) for name in recount([])}

    assert figures(stats.total) == recount(rows)
    assert stats.total.late > 0
    assert stats.total.on_time_rate < 1
    for row in stats.by_session:
        wanted = None if row.key_value == RECESS else row.key_value
        assert figures(row) == recount([s for s in rows if s.session_id == wanted])
    for row in stats.by_unit:
        assert figures(row) == recount([s for s in rows if s.lead_unit == row.key_value])
    for row in stats.by_category:
        assert figures(row) == recount([s for s in rows if s.category_id == row.key_value])
    assert sum(row.received for row in stats.by_session) == 107 + 69
