"""Demo duty points: a year of records at the seeds' rate, the past quarters closed and ranked,
warnings of every colour, written in bulk and only once."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from congress import demo as congress_demo
from congress.models import Congress
from deputies import demo as deputies_demo
from deputies.models import Deputy, DeputyStatus
from scoring import demo
from scoring.models import (
    DutyQuarter,
    DutyRecord,
    DutyRecordEvent,
    DutyRecordPhoto,
    DutyWarning,
    Ranking,
    RankingEntry,
    RuleSet,
    WarningRule,
    WarningTalk,
)
from suggestions import demo as suggestions_demo

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 20)
QUERY_CEILING = 1_500  # about 1,000 today


@pytest.fixture(scope="module")
def seeded_once(module_db):
    """Seeded once for the module (see module_db). The liaison demo (groups, stations,
    reception days) is left out to keep the test quick; its automatic records are tested with
    the services. Returns the congress and the number of queries the duty demo took."""
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI), tick=True):
        with module_db():
            congress_demo.seed()
            deputies_demo.seed()
            suggestions_demo.seed()
            with CaptureQueriesContext(connection) as queries:
                demo.seed()
            congress = Congress.objects.get(slug="xiangcheng")
        yield congress, len(queries)


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def test_a_year_of_records_of_every_origin_at_the_seeds_rate(seeded):
    congress, queries = seeded
    # Written in bulk: thousands of records, their events and photos in about a thousand
    # queries (the closing, ranking and warning services included), not one or more per record.
    assert queries < QUERY_CEILING, queries
    with scope(congress=congress):
        assert set(RuleSet.objects.values_list("year", "preset")) == {(2025, "six"), (2026, "six")}
        assert WarningRule.objects.count() == 5
        records = DutyRecord.objects.all()
        origins = Counter(records.values_list("origin", flat=True))
        assert origins["deputy"] > origins["staff"] > 0
        assert origins["automatic"] > 0
        assert set(records.filter(origin="automatic").values_list("source_type", flat=True)) == {
            "suggestion_accepted"
        }
        serving = list(
            Deputy.objects.filter(status=DeputyStatus.SERVING).values_list("pk", flat=True)
        )
        counted = Counter(
            records.filter(year=2025).exclude(status="rejected").values_list("deputy_id", flat=True)
        )
        per_deputy = [counted.get(pk, 0) for pk in serving]
        assert 16 <= sum(per_deputy) / len(per_deputy) <= 22
        # One deputy in ten hardly does anything.
        assert sum(1 for count in per_deputy if count <= 3) >= len(serving) * 0.08
        # Every record has its history, starting where its origin starts it.
        assert DutyRecordEvent.objects.values("record").distinct().count() == records.count()
        first = dict(
            DutyRecordEvent.objects.filter(action__in=["report", "enter", "automatic"])
            .values_list("record__origin", "action")
            .distinct()
        )
        assert first == {"deputy": "report", "staff": "enter", "automatic": "automatic"}
        # Staff entered the congress meeting's attendance, and a deduction or two.
        assert records.filter(origin="staff", category_code="congress_meeting").count() > 300


def test_closed_quarters_are_confirmed_and_the_open_one_awaits_audit(seeded):
    congress, _queries = seeded
    with scope(congress=congress):
        closed = set(DutyQuarter.objects.filter(status="closed").values_list("year", "quarter"))
        assert closed == {(2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2),
                          (2026, 3)}  # fmt: skip
        in_closed = DutyRecord.objects.filter(year=2025)
        assert set(in_closed.values_list("status", flat=True)) == {"confirmed", "rejected"}
        assert not in_closed.filter(status="confirmed", points__isnull=True).exists()
        rejected = DutyRecord.objects.filter(status="rejected")
        assert rejected.exists()
        assert not rejected.filter(reject_reason="").exists()
        current = DutyRecord.objects.filter(year=2026, quarter=4)
        assert current.filter(status="submitted").count() > 10
        assert current.filter(status="approved").exists()
        assert DutyRecordPhoto.objects.filter(record__status="submitted").exists()
        # The sign-in deputy has something to look at on the phone.
        sign_in = Deputy.objects.get(phone="13971000001")
        assert DutyRecord.objects.filter(deputy=sign_in, year=2026).count() >= 5


def test_every_closed_quarter_is_ranked_with_warnings_of_every_colour(seeded):
    congress, _queries = seeded
    with scope(congress=congress):
        rankings = list(Ranking.objects.order_by("year", "quarter"))
        assert [(r.year, r.quarter) for r in rankings] == [
            (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)
        ]  # fmt: skip
        serving = Deputy.objects.filter(status=DeputyStatus.SERVING).count()
        assert {r.deputy_count for r in rankings} == {serving}
        assert RankingEntry.objects.filter(ranking=rankings[-1], period="year").count() == serving
        active = Counter(
            DutyWarning.objects.filter(status="active").values_list("level", flat=True)
        )
        assert set(active) == {"yellow", "orange", "red"}
        conditions = set(
            DutyWarning.objects.filter(level="red").values_list("rule__condition", flat=True)
        )
        assert "no_suggestion_in_term" in conditions
        assert DutyWarning.objects.filter(status="cleared").exists()
        assert WarningTalk.objects.count() == 2


def test_seeding_again_changes_nothing(seeded):
    def census():
        with scopes_disabled():  # a census across both congresses
            return [
                model.objects.count()
                for model in (DutyRecord, DutyRecordEvent, Ranking, DutyWarning, WarningTalk)
            ]

    before = census()
    with time_machine.travel(datetime(2026, 11, 20, 15, 0, tzinfo=SHANGHAI), tick=True):
        demo.seed()
    assert census() == before
