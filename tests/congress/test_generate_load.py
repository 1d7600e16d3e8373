"""The load generator: a small congress with sensible proportions, every state, real rankings,
and the same rows for the same seed."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django_scopes import scope, scopes_disabled

from congress import loadgen
from congress.models import Congress, Membership
from deputies.models import Deputy
from liaison.models import GroupMembership, MessageStatus, StationDeputy, VoterMessage
from scoring.models import (
    COUNTED_STATUSES,
    DutyQuarter,
    DutyRecord,
    Period,
    Ranking,
    RankingEntry,
    RuleItem,
)
from scoring.ranking import ranking_compute
from suggestions.models import (
    NumberCounter,
    Suggestion,
    SuggestionAssignment,
    SuggestionStatus,
)

DEPUTIES = 60
YEARS = 2
END = "2025Q3"
CLOSED = [(2024, 1), (2024, 2), (2024, 3), (2024, 4), (2025, 1), (2025, 2)]
# 1 January 2024 to 30 September 2025.
SPAN_YEARS = 1.75


@pytest.fixture(scope="module")
def made(module_db):
    """Two congresses from the same seed, one by the command and one by `generate`, with
    every call of the ranking service counted."""
    out = io.StringIO()
    spy = mock.patch("scoring.ranking.ranking_compute", wraps=ranking_compute)
    with spy as ranked, module_db():
        call_command(
            "generate_load",
            congress="load-a",
            deputies=DEPUTIES,
            years=YEARS,
            end_quarter=END,
            seed=7,
            stdout=out,
        )
        second = loadgen.generate(
            slug="load-b", deputies=DEPUTIES, years=YEARS, seed=7, end_quarter=(2025, 3)
        )
        congresses = {c.slug: c for c in Congress.objects.filter(slug__in=["load-a", "load-b"])}
    return {
        "output": out.getvalue(),
        "second": second,
        "congresses": congresses,
        "ranked": [(call.kwargs["congress"].slug, call.kwargs["year"], call.kwargs["quarter"])
                   for call in ranked.call_args_list],
    }  # fmt: skip


def test_the_command_prints_counts_and_seconds(made, db):
    output = made["output"]
    assert "load-a" in output
    assert "duty_records" in output and "suggestions" in output
    assert "秒" in output


def test_people_groups_and_stations_have_real_proportions(made, db):
    congress = made["congresses"]["load-a"]
    with scope(congress=congress):
        assert Deputy.objects.count() == DEPUTIES
        assert Deputy.objects.exclude(status="serving").count() <= 5
        assert Deputy.objects.values("name").distinct().count() > DEPUTIES * 0.8
        assert Deputy.objects.filter(gender="female").count() > DEPUTIES * 0.1
        regional = Counter(
            GroupMembership.objects.filter(group__kind="regional").values_list(
                "deputy_id", flat=True
            )
        )
        assert len(regional) == DEPUTIES and set(regional.values()) == {1}
        groups = Counter(GroupMembership.objects.values_list("deputy_id", flat=True))
        in_two = sum(1 for count in groups.values() if count == 2)
        assert DEPUTIES * 0.08 <= in_two <= DEPUTIES * 0.35
        sizes = Counter(
            GroupMembership.objects.filter(group__kind="regional").values_list(
                "group_id", flat=True
            )
        )
        assert 12 <= sum(sizes.values()) / len(sizes) <= 30
        stations = Counter(StationDeputy.objects.values_list("deputy_id", flat=True))
        assert len(stations) == DEPUTIES and set(stations.values()) == {1}
        roles = set(Membership.objects.values_list("role", flat=True))
        assert {"committee_staff", "leader", "unit_liaison", "deputy"} <= roles
        assert Deputy.objects.filter(user__isnull=False).count() == 1


def test_duty_records_come_at_the_committees_rate_and_are_reviewed_as_the_services_leave_them(
    made, db
):
    congress = made["congresses"]["load-a"]
    with scope(congress=congress):
        records = DutyRecord.objects.all()
        per_deputy_year = records.count() / DEPUTIES / SPAN_YEARS
        assert 16 <= per_deputy_year <= 22
        # Some deputies do far more than others.
        per_deputy = sorted(
            records.values("deputy").annotate(n=Count("id")).values_list("n", flat=True)
        )
        assert per_deputy[-1] >= 4 * max(1, per_deputy[len(per_deputy) // 5])
        closed = records.exclude(year=2025, quarter=3)
        assert set(closed.values_list("status", flat=True)) == {"confirmed", "rejected"}
        assert not closed.filter(status="confirmed", points__isnull=True).exists()
        items = {item.code: item.points for item in RuleItem.objects.filter(rule_set__year=2024)}
        for code, points in closed.filter(year=2024, status="confirmed").values_list(
            "category_code", "points"
        ):
            assert points == items[code]
        open_quarter = set(records.filter(year=2025, quarter=3).values_list("status", flat=True))
        assert {"submitted", "approved"} <= open_quarter
        assert not records.filter(year=2025, quarter=3, status="confirmed").exists()
        origins = Counter(records.values_list("origin", flat=True))
        assert origins["deputy"] > origins["staff"] > 0 and origins["automatic"] > 0
        # Known work scores itself, linked to its source.
        accepted = records.filter(source_type="suggestion_accepted")
        assert accepted.exists()
        assert set(accepted.values_list("source_id", flat=True)) <= set(
            Suggestion.objects.filter(accepted_at__isnull=False).values_list("pk", flat=True)
        )
        answered = records.filter(source_type="message_answered").values_list("source_id")
        assert answered and set(answered) <= set(
            VoterMessage.objects.filter(answered_at__isnull=False).values_list("pk")
        )


def test_suggestions_are_in_every_state_of_their_life(made, db):
    congress = made["congresses"]["load-a"]
    with scope(congress=congress):
        suggestions = Suggestion.objects.all()
        per_deputy_year = suggestions.count() / DEPUTIES / SPAN_YEARS
        assert 0.5 <= per_deputy_year <= 1.0
        assert set(suggestions.values_list("status", flat=True)) == set(SuggestionStatus.values)
        ratings = set(suggestions.values_list("first_rating", flat=True))
        assert {"satisfied", "unsatisfied"} <= ratings
        assert suggestions.filter(session__isnull=False).count() > suggestions.count() / 2
        handled = suggestions.filter(status__in=["assigned", "replied", "rehandling", "closed"])
        handled = handled.exclude(status="closed", assigned_on__isnull=True)
        # (one sent back as wrongly assigned waits for staff to choose another lead unit)
        handled = handled.exclude(assignments__status="returned")
        leads = SuggestionAssignment.objects.filter(role="lead", status="active")
        assert leads.filter(suggestion__in=handled).count() == handled.count()
        assert SuggestionAssignment.objects.filter(role="co").exists()
        # Numbers run in each series without gaps, and the counters stand at the last one.
        for counter in NumberCounter.objects.all():
            numbers = sorted(
                suggestions.filter(series=counter.series).values_list("number", flat=True)
            )
            assert numbers == list(range(1, counter.last_number + 1))
        assert not suggestions.filter(status="draft", submitted_at__isnull=False).exists()
        replied = suggestions.filter(status="replied").first()
        assert replied.replies.count() == replied.round
        assert replied.feedback.filter(rating="").exists()
        assert suggestions.filter(status="closed").first().events.count() >= 5


def test_voter_messages_are_in_every_state(made, db):
    congress = made["congresses"]["load-a"]
    with scope(congress=congress):
        messages = VoterMessage.objects.all()
        per_deputy_year = messages.count() / DEPUTIES / SPAN_YEARS
        assert 1.5 <= per_deputy_year <= 2.5
        assert set(messages.values_list("status", flat=True)) == set(MessageStatus.values)
        assert messages.filter(answered_on_the_spot=True, status="closed").exists()
        assert {"satisfied", "unsatisfied"} <= set(messages.values_list("satisfaction", flat=True))
        assert set(messages.values_list("source", flat=True)) == {
            "deputy_page",
            "station_page",
            "walk_in",
        }
        for message in messages.filter(status="closed")[:20]:
            assert [e.to_status for e in message.events.all()][-1] == "closed"
            assert message.events.first().to_status == "registered"


def test_past_quarters_are_closed_and_ranked_by_the_ranking_service(made, db):
    assert sorted(made["ranked"]) == sorted(
        (slug, year, quarter) for slug in ("load-a", "load-b") for year, quarter in CLOSED
    )
    congress = made["congresses"]["load-a"]
    with scope(congress=congress):
        closed = DutyQuarter.objects.filter(status="closed")
        assert sorted(closed.values_list("year", "quarter")) == CLOSED
        assert not closed.filter(rule_set__isnull=True).exists()
        assert not DutyQuarter.objects.filter(year=2025, quarter=3, status="closed").exists()
        assert sorted(Ranking.objects.values_list("year", "quarter")) == CLOSED
        # Every point of a ranking traces back to the records that earned it.
        ranking = Ranking.objects.get(year=2025, quarter=2)
        entries = dict(
            RankingEntry.objects.filter(ranking=ranking, period=Period.QUARTER).values_list(
                "deputy_id", "points"
            )
        )
        sums = dict(
            DutyRecord.objects.filter(year=2025, quarter=2, status__in=COUNTED_STATUSES)
            .values("deputy_id")
            .annotate(total=Sum("points"))
            .values_list("deputy_id", "total")
        )
        assert entries and all(
            entries[deputy] == sums.get(deputy, Decimal(0)) for deputy in entries
        )
        assert ranking.rollups.filter(kind="station").exists()


def _snapshot(congress: Congress) -> dict:
    with scope(congress=congress):
        ordinal = {
            pk: index
            for index, pk in enumerate(Deputy.objects.order_by("pk").values_list("pk", flat=True))
        }
        return {
            "names": list(Deputy.objects.order_by("pk").values_list("name", "phone", "level")),
            "records": sorted(
                (ordinal[row[0]], *row[1:])
                for row in DutyRecord.objects.values_list(
                    "deputy_id", "occurred_on", "category_code", "status", "origin", "description"
                )
            ),
            "suggestions": list(
                Suggestion.objects.order_by("pk").values_list(
                    "title", "status", "number", "submitted_at", "due_on", "final_rating"
                )
            ),
            "messages": list(
                VoterMessage.objects.order_by("pk").values_list(
                    "status", "created_at", "due_on", "answered_at"
                )
            ),
            "ranks": sorted(
                (ordinal[deputy], year, quarter, rank)
                for deputy, year, quarter, rank in RankingEntry.objects.filter(
                    period=Period.QUARTER
                ).values_list("deputy_id", "ranking__year", "ranking__quarter", "rank")
            ),
        }


def test_the_same_seed_makes_the_same_rows(made, db):
    first, second = made["congresses"]["load-a"], made["congresses"]["load-b"]
    counts = made["second"]["counts"]
    assert counts["deputies"] == DEPUTIES and counts["rankings"] == len(CLOSED)
    a, b = _snapshot(first), _snapshot(second)
    for key in a:
        assert a[key] == b[key], key
    assert len(a["records"]) == counts["duty_records"]
    assert made["second"]["seconds"]["total"] > 0


def test_another_seed_makes_other_people(db):
    result = loadgen.generate(slug="load-c", deputies=12, years=1, seed=8, end_quarter=(2025, 1))
    assert result["counts"]["deputies"] == 12
    with scopes_disabled():
        other = list(
            Deputy.objects.filter(congress__slug="load-c").order_by("pk").values_list("name")
        )
        seven = list(
            Deputy.objects.filter(congress__slug="load-a").order_by("pk").values_list("name")
        )
    assert other != seven[:12]


def test_an_existing_identifier_is_refused(made, db):
    with scopes_disabled():
        before = DutyRecord.objects.count()
    with pytest.raises(CommandError, match="已经存在"):
        call_command("generate_load", congress="load-a", deputies=5, years=1, stdout=io.StringIO())
    with pytest.raises(CommandError, match="2026Q3"):
        call_command(
            "generate_load",
            congress="load-z",
            deputies=5,
            years=1,
            end_quarter="2026-third",
            stdout=io.StringIO(),
        )
    with scopes_disabled():
        assert DutyRecord.objects.count() == before
        assert not Congress.objects.filter(slug="load-z").exists()
