"""The warning engine over hand-built ranking snapshots: every condition fires, stops at its
boundary, clears at the next ranking, and evaluating again duplicates nothing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Notification, Role
from scoring.models import DutyWarning, Period, RankingEntry, WarningRule
from scoring.warning_engine import bottom_size, warnings_evaluate
from tests.factories import (
    CongressSessionFactory,
    DeputyFactory,
    DutyRecordFactory,
    RankingFactory,
    RuleSetFactory,
    SuggestionFactory,
    UserFactory,
    WarningRuleFactory,
)


@pytest.fixture
def congress(tenant_a):
    return tenant_a.congress


@pytest.fixture
def deputies(congress):
    with scopes_disabled():  # test setup
        return [DeputyFactory(congress=congress) for _ in range(10)]


def snapshot(congress, year, quarter, ranks, *, period=Period.QUARTER, ranking=None, recess=None):
    """A ranking whose entries give each deputy the rank from the bottom in `ranks`
    ({deputy: rank_from_bottom}); points follow the rank, so a lower rank has fewer points.
    `recess` gives deputies their duties between congress meetings (none by default)."""
    with scopes_disabled():  # test setup: snapshots written directly, as ranking_compute would
        if ranking is None:
            rule_set = RuleSetFactory(congress=congress, year=year)
            ranking = RankingFactory(
                congress=congress,
                rule_set=rule_set,
                year=year,
                quarter=quarter,
                deputy_count=len(ranks),
            )
        count = len(ranks)
        RankingEntry.objects.bulk_create(
            RankingEntry(
                congress=congress,
                ranking=ranking,
                period=period,
                deputy=deputy,
                points=Decimal(10 * from_bottom),
                record_count=from_bottom,
                rank=max(count - from_bottom + 1, 1),
                rank_from_bottom=from_bottom,
                recess_count=(recess or {}).get(deputy, 0),
            )
            for deputy, from_bottom in ranks.items()
        )
    return ranking


def in_order(deputies):
    """Ranks 1..n from the bottom in the list's order."""
    return {deputy: index + 1 for index, deputy in enumerate(deputies)}


def evaluate(tenant, ranking):
    with tenant.scope():
        return warnings_evaluate(ranking=ranking)


def active(tenant, condition=None):
    with tenant.scope():
        queryset = DutyWarning.objects.filter(status="active")
        if condition:
            queryset = queryset.filter(rule__condition=condition)
        return set(queryset.values_list("deputy_id", flat=True))


def rule(congress, condition, level, **params):
    with scopes_disabled():  # test setup
        return WarningRuleFactory(congress=congress, condition=condition, level=level, **params)


def test_the_bottom_share_rounds_up():
    assert bottom_size(10, 10) == 1
    assert bottom_size(45, 10) == 5
    assert bottom_size(5, 10) == 1
    assert bottom_size(0, 10) == 0


# Bottom of the quarter ---------------------------------------------------------------------


def test_bottom_quarter_fires_for_the_bottom_share_only(tenant_a, congress, deputies):
    rule(congress, "bottom_quarter", "yellow", share_percent=20)
    ranking = snapshot(congress, 2026, 1, in_order(deputies))
    counts = evaluate(tenant_a, ranking)
    # 20 % of 10 is the bottom two; the third from the bottom is just outside.
    assert active(tenant_a) == {deputies[0].pk, deputies[1].pk}
    assert counts == {"raised": 2, "cleared": 0, "active": 2}
    with tenant_a.scope():
        warning = DutyWarning.objects.get(deputy=deputies[0])
    assert warning.level == "yellow" and warning.raised_by_id == ranking.pk
    assert "2026年第1季度" in warning.reason and "倒数第1" in warning.reason
    assert "10" in warning.reason and "20%" in warning.reason


def test_ties_at_the_boundary_are_all_warned(tenant_a, congress, deputies):
    rule(congress, "bottom_quarter", "yellow", share_percent=10)
    ranks = in_order(deputies)
    ranks[deputies[1]] = 1  # two deputies share the lowest total
    evaluate(tenant_a, snapshot(congress, 2026, 1, ranks))
    assert active(tenant_a) == {deputies[0].pk, deputies[1].pk}


def test_a_warning_clears_at_the_next_ranking_when_it_no_longer_holds(tenant_a, congress, deputies):
    rule(congress, "bottom_quarter", "yellow", share_percent=10)
    first = snapshot(congress, 2026, 1, in_order(deputies))
    evaluate(tenant_a, first)
    second = snapshot(congress, 2026, 2, in_order(list(reversed(deputies))))
    counts = evaluate(tenant_a, second)
    assert counts == {"raised": 1, "cleared": 1, "active": 1}
    assert active(tenant_a) == {deputies[-1].pk}
    with tenant_a.scope():
        old = DutyWarning.objects.get(deputy=deputies[0])
    assert old.status == "cleared" and old.cleared_by_id == second.pk
    assert old.cleared_at is not None and old.raised_by_id == first.pk


def test_a_deputy_still_at_the_bottom_keeps_one_warning(tenant_a, congress, deputies):
    rule(congress, "bottom_quarter", "yellow", share_percent=10)
    evaluate(tenant_a, snapshot(congress, 2026, 1, in_order(deputies)))
    counts = evaluate(tenant_a, snapshot(congress, 2026, 2, in_order(deputies)))
    assert counts == {"raised": 0, "cleared": 0, "active": 1}
    with tenant_a.scope():
        assert DutyWarning.objects.count() == 1


def test_evaluating_the_same_ranking_twice_duplicates_nothing(tenant_a, congress, deputies):
    rule(congress, "bottom_quarter", "yellow", share_percent=20)
    with scopes_disabled():  # test setup
        for deputy in deputies[:2]:
            deputy.user = UserFactory()
            deputy.save()
    ranking = snapshot(congress, 2026, 1, in_order(deputies))
    evaluate(tenant_a, ranking)
    with scopes_disabled():
        notices = Notification.objects.count()
    assert evaluate(tenant_a, ranking) == {"raised": 0, "cleared": 0, "active": 2}
    with scopes_disabled():
        assert DutyWarning.objects.count() == 2
        assert Notification.objects.count() == notices


def test_an_older_ranking_does_not_undo_a_later_one(tenant_a, congress, deputies):
    rule(congress, "bottom_quarter", "yellow", share_percent=10)
    first = snapshot(congress, 2026, 1, in_order(deputies))
    evaluate(tenant_a, first)
    evaluate(tenant_a, snapshot(congress, 2026, 2, in_order(list(reversed(deputies)))))
    assert evaluate(tenant_a, first)["raised"] == 0
    assert active(tenant_a) == {deputies[-1].pk}


def test_an_inactive_rule_raises_nothing_and_its_warnings_clear(tenant_a, congress, deputies):
    yellow = rule(congress, "bottom_quarter", "yellow", share_percent=10)
    evaluate(tenant_a, snapshot(congress, 2026, 1, in_order(deputies)))
    with scopes_disabled():  # test setup
        WarningRule.objects.filter(pk=yellow.pk).update(is_active=False)
    counts = evaluate(tenant_a, snapshot(congress, 2026, 2, in_order(deputies)))
    assert counts == {"raised": 0, "cleared": 1, "active": 0}


def test_the_default_rules_are_installed_when_the_congress_has_none(tenant_a, congress, deputies):
    counts = evaluate(tenant_a, snapshot(congress, 2026, 1, in_order(deputies)))
    with tenant_a.scope():
        assert WarningRule.objects.count() == 5
    assert counts["raised"] == 1  # the yellow bottom 10 %
    assert active(tenant_a) == {deputies[0].pk}


# Notices -------------------------------------------------------------------------------------


def test_the_deputy_and_each_staff_member_are_told(tenant_a, congress, deputies):
    rule(congress, "bottom_quarter", "yellow", share_percent=20)
    rule(congress, "bottom_quarters_running", "orange", share_percent=20, runs=1)
    with scopes_disabled():  # test setup
        deputies[0].user = tenant_a.user(Role.DEPUTY)
        deputies[0].save()
    evaluate(tenant_a, snapshot(congress, 2026, 1, in_order(deputies)))
    with scopes_disabled():
        mine = list(Notification.objects.filter(user=tenant_a.user(Role.DEPUTY)))
        staff = Notification.objects.filter(
            user__in=[tenant_a.user(Role.COMMITTEE_STAFF), tenant_a.user(Role.COMMITTEE_ADMIN)]
        )
        assert Notification.objects.filter(user=tenant_a.user(Role.LEADER)).count() == 0
        summaries = list(staff)
    # Two warnings for one deputy make one notice, naming the more serious colour.
    assert len(mine) == 1 and "橙色" in mine[0].title
    assert len(summaries) == 2
    assert "2026年第1季度" in summaries[0].title
    assert "4" in summaries[0].body and summaries[0].url.endswith("?quarter=2026Q1")


def test_no_summary_when_nothing_changed(tenant_a, congress, deputies):
    rule(congress, "bottom_quarter", "yellow", share_percent=10)
    evaluate(tenant_a, snapshot(congress, 2026, 1, {deputies[0]: 5}))
    with scopes_disabled():
        assert Notification.objects.count() == 0


# Several quarters running --------------------------------------------------------------------


def test_bottom_quarters_running_needs_every_quarter(tenant_a, congress, deputies):
    rule(congress, "bottom_quarters_running", "orange", share_percent=10, runs=2)
    first = snapshot(congress, 2025, 4, in_order(deputies))
    assert evaluate(tenant_a, first)["raised"] == 0  # 2025Q3 has no ranking
    ranks = in_order(deputies)
    ranks[deputies[0]], ranks[deputies[1]] = 2, 1  # the bottom one moves up a place
    evaluate(tenant_a, snapshot(congress, 2026, 1, ranks))
    # Across the new year: 2025Q4 and 2026Q1. The second deputy was not bottom in 2025Q4.
    assert active(tenant_a) == set()
    ranks = in_order(deputies)
    evaluate(tenant_a, snapshot(congress, 2026, 2, ranks))
    assert active(tenant_a) == set()  # 2026Q1 bottom was deputies[1], 2026Q2 deputies[0]
    evaluate(tenant_a, snapshot(congress, 2026, 3, ranks))
    assert active(tenant_a) == {deputies[0].pk}
    with tenant_a.scope():
        reason = DutyWarning.objects.get().reason
    assert "连续2个季度" in reason and "2026年第2季度" in reason


def test_bottom_quarters_running_holds_whatever_the_place_inside_the_share(
    tenant_a, congress, deputies
):
    rule(congress, "bottom_quarters_running", "orange", share_percent=20, runs=2)
    evaluate(tenant_a, snapshot(congress, 2026, 1, in_order(deputies)))
    swapped = in_order(deputies)
    swapped[deputies[0]], swapped[deputies[1]] = 2, 1
    evaluate(tenant_a, snapshot(congress, 2026, 2, swapped))
    assert active(tenant_a) == {deputies[0].pk, deputies[1].pk}


def test_the_ranking_being_computed_counts_with_its_own_deputy_count(tenant_a, congress, deputies):
    # ranking_compute evaluates before it saves the new snapshot's deputy count.
    rule(congress, "bottom_quarters_running", "orange", share_percent=10, runs=2)
    rule(congress, "bottom_years_running", "red", share_percent=10, runs=2)
    year_snapshot(congress, 2025, 3, in_order(deputies))
    year_snapshot(congress, 2024, 4, in_order(deputies))
    ranking = year_snapshot(congress, 2025, 4, in_order(deputies))
    with scopes_disabled():  # test setup
        type(ranking).objects.filter(pk=ranking.pk).update(deputy_count=0)
    assert evaluate(tenant_a, ranking)["raised"] == 2
    assert active(tenant_a) == {deputies[0].pk}


def test_bottom_quarters_running_clears_when_a_quarter_is_better(tenant_a, congress, deputies):
    rule(congress, "bottom_quarters_running", "orange", share_percent=10, runs=2)
    evaluate(tenant_a, snapshot(congress, 2026, 1, in_order(deputies)))
    evaluate(tenant_a, snapshot(congress, 2026, 2, in_order(deputies)))
    assert active(tenant_a) == {deputies[0].pk}
    evaluate(tenant_a, snapshot(congress, 2026, 3, in_order(list(reversed(deputies)))))
    assert active(tenant_a) == set()


# Years running -------------------------------------------------------------------------------


def year_snapshot(congress, year, quarter, ranks, recess=None):
    ranking = snapshot(congress, year, quarter, ranks)
    return snapshot(
        congress, year, quarter, ranks, period=Period.YEAR, ranking=ranking, recess=recess
    )


def test_bottom_years_running_reads_the_year_at_each_fourth_quarter(tenant_a, congress, deputies):
    rule(congress, "bottom_years_running", "red", share_percent=10, runs=2)
    year_snapshot(congress, 2024, 4, in_order(deputies))
    last = year_snapshot(congress, 2025, 3, in_order(deputies))
    assert evaluate(tenant_a, last)["raised"] == 0  # 2025 is not complete: 2023 has no Q4
    q4 = year_snapshot(congress, 2025, 4, in_order(deputies))
    assert evaluate(tenant_a, q4)["raised"] == 1
    assert active(tenant_a) == {deputies[0].pk}
    # Within 2026 the latest complete year stays 2025: the warning holds.
    better = in_order(list(reversed(deputies)))
    assert evaluate(tenant_a, year_snapshot(congress, 2026, 1, better))["cleared"] == 0
    assert active(tenant_a) == {deputies[0].pk}
    with tenant_a.scope():
        assert "2024" in DutyWarning.objects.get().reason


def test_bottom_years_running_clears_after_a_better_year(tenant_a, congress, deputies):
    rule(congress, "bottom_years_running", "red", share_percent=10, runs=2)
    year_snapshot(congress, 2024, 4, in_order(deputies))
    evaluate(tenant_a, year_snapshot(congress, 2025, 4, in_order(deputies)))
    ranks = in_order(deputies)
    ranks[deputies[0]], ranks[deputies[1]] = 2, 1
    evaluate(tenant_a, year_snapshot(congress, 2026, 4, ranks))
    assert active(tenant_a) == set()


def test_the_year_share_does_not_use_the_quarter(tenant_a, congress, deputies):
    rule(congress, "bottom_years_running", "red", share_percent=10, runs=1)
    ranking = snapshot(congress, 2025, 4, in_order(deputies))
    snapshot(
        congress, 2025, 4, in_order(list(reversed(deputies))), period=Period.YEAR, ranking=ranking
    )
    evaluate(tenant_a, ranking)
    assert active(tenant_a) == {deputies[-1].pk}


# Recess activities ---------------------------------------------------------------------------


def record(congress, deputy, day, **fields):
    with scopes_disabled():  # test setup
        return DutyRecordFactory(congress=congress, deputy=deputy, occurred_on=day, **fields)


def test_few_recess_activities_reads_the_years_count(tenant_a, congress, deputies):
    # The ranking counts the duties between meetings (tests/scoring/test_ranking_engine.py).
    rule(congress, "few_recess_activities", "red", minimum=3)
    enough, short = deputies[0], deputies[1]
    ranks = {enough: 2, short: 1}
    ranking = year_snapshot(congress, 2025, 4, ranks, recess={enough: 3, short: 2})
    evaluate(tenant_a, ranking)
    assert active(tenant_a) == {short.pk}
    with tenant_a.scope():
        reason = DutyWarning.objects.get().reason
    assert "2025" in reason and "2" in reason and "3" in reason
    # At 2026Q1 the rule still reads 2025's fourth quarter: the warning stays.
    assert evaluate(tenant_a, year_snapshot(congress, 2026, 1, ranks))["cleared"] == 0
    assert active(tenant_a) == {short.pk}


def test_few_recess_activities_waits_for_the_fourth_quarter(tenant_a, congress, deputies):
    rule(congress, "few_recess_activities", "red", minimum=3)
    assert evaluate(tenant_a, year_snapshot(congress, 2025, 3, in_order(deputies)))["raised"] == 0
    # At 2026Q1 the complete year is 2025, whose fourth quarter was never ranked.
    assert evaluate(tenant_a, year_snapshot(congress, 2026, 1, in_order(deputies)))["raised"] == 0


def test_few_recess_activities_clears_after_a_better_year(tenant_a, congress, deputies):
    rule(congress, "few_recess_activities", "red", minimum=1)
    deputy = deputies[0]
    evaluate(tenant_a, year_snapshot(congress, 2025, 4, {deputy: 1}))
    assert active(tenant_a) == {deputy.pk}
    evaluate(tenant_a, year_snapshot(congress, 2026, 4, {deputy: 1}, recess={deputy: 1}))
    assert active(tenant_a) == set()


# No suggestion in the term -------------------------------------------------------------------


def suggestion(congress, deputy, when, status="submitted"):
    with scopes_disabled():  # test setup
        return SuggestionFactory(
            congress=congress,
            lead_deputy=deputy,
            status=status,
            submitted_at=timezone.make_aware(datetime(*when)),
        )


@pytest.fixture
def term_sessions(congress):
    with scopes_disabled():  # test setup: the term began with its first session
        CongressSessionFactory(
            congress=congress, term=17, starts_on=date(2024, 1, 10), ends_on=date(2024, 1, 13)
        )
        CongressSessionFactory(
            congress=congress, term=17, starts_on=date(2025, 1, 8), ends_on=date(2025, 1, 10)
        )


def test_no_suggestion_in_term_fires_after_the_grace_months(
    tenant_a, congress, deputies, term_sessions
):
    rule(congress, "no_suggestion_in_term", "red", grace_months=12)
    led, drafted, withdrew, before_term, silent = deputies[:5]
    suggestion(congress, led, (2024, 3, 1))
    suggestion(congress, drafted, (2024, 3, 1), status="draft")
    suggestion(congress, withdrew, (2024, 3, 1), status="withdrawn")
    suggestion(congress, before_term, (2023, 12, 1))
    with scopes_disabled():  # test setup: a deputy of an earlier term has no sessions here
        older = DeputyFactory(congress=congress, term=16)
    ranks = {led: 5, drafted: 4, withdrew: 3, before_term: 2, silent: 1, older: 6}
    # 2024Q4 ends on 2024-12-31, before the twelve months are up (2025-01-10).
    assert evaluate(tenant_a, snapshot(congress, 2024, 4, ranks))["raised"] == 0
    evaluate(tenant_a, snapshot(congress, 2025, 1, ranks))
    assert active(tenant_a) == {drafted.pk, withdrew.pk, before_term.pk, silent.pk}
    with tenant_a.scope():
        reason = DutyWarning.objects.filter(deputy=silent).get().reason
    assert "2024-01-10" in reason


def test_no_suggestion_in_term_clears_once_one_is_led(tenant_a, congress, deputies, term_sessions):
    rule(congress, "no_suggestion_in_term", "red", grace_months=0)
    deputy = deputies[0]
    evaluate(tenant_a, snapshot(congress, 2024, 1, {deputy: 1}))
    assert active(tenant_a) == {deputy.pk}
    suggestion(congress, deputy, (2024, 5, 6))
    evaluate(tenant_a, snapshot(congress, 2024, 2, {deputy: 1}))
    assert active(tenant_a) == set()


def test_a_suggestion_after_the_ranked_quarter_does_not_count(
    tenant_a, congress, deputies, term_sessions
):
    rule(congress, "no_suggestion_in_term", "red", grace_months=0)
    deputy = deputies[0]
    suggestion(congress, deputy, (2024, 4, 2))
    evaluate(tenant_a, snapshot(congress, 2024, 1, {deputy: 1}))
    assert active(tenant_a) == {deputy.pk}


def test_another_congress_is_not_touched(tenant_a, tenant_b, congress, deputies):
    rule(congress, "bottom_quarter", "yellow", share_percent=10)
    with scopes_disabled():  # test setup
        other = DeputyFactory(congress=tenant_b.congress)
        WarningRuleFactory(congress=tenant_b.congress, condition="bottom_quarter", level="yellow")
    snapshot(tenant_b.congress, 2026, 1, {other: 1})
    evaluate(tenant_a, snapshot(congress, 2026, 1, in_order(deputies)))
    with scopes_disabled():
        assert not DutyWarning.objects.filter(congress=tenant_b.congress).exists()
