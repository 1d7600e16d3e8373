"""The daily reminders (催办) to handling units: due soon, overdue, co-handling opinions late."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import JobRun, Notification
from congress.schedules import BEAT_SCHEDULE
from suggestions.models import Suggestion, SuggestionAssignment, SuggestionEvent
from suggestions.reminders import plan_reminders, send_suggestion_reminders, suggestion_reminders
from tests.suggestions.test_assign import accepted, assign, liaison_of, make_units


def run(tenant, day: str) -> dict:
    with time_machine.travel(f"{day} 08:30 +0800", tick=False), tenant.scope():
        return send_suggestion_reminders(congress=tenant.congress, today=timezone.localdate())


def notices(user, kind=None) -> list[Notification]:
    with scopes_disabled():  # test setup
        found = Notification.objects.filter(user=user).order_by("id")
        if kind:
            found = found.filter(kind=kind)
        return list(found)


@pytest.fixture
def handled(tenant_a):
    """Assigned on 2 March 2026 to a lead and a co unit: due 2 June, opinion due 2 April."""
    lead, co = make_units(tenant_a, 2)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        suggestion = assign(tenant_a, accepted(tenant_a), lead, [co])
    assert suggestion.due_on == date(2026, 6, 2)
    # The assignment notices are not what these tests count.
    with scopes_disabled():  # test setup
        Notification.objects.all().delete()
    return suggestion, lead, co


@pytest.mark.parametrize(
    "day, days_left",
    [("2026-05-03", 30), ("2026-05-18", 15), ("2026-05-26", 7), ("2026-05-30", 3)],
)
def test_units_are_reminded_at_each_point_before_the_due_date(tenant_a, handled, day, days_left):
    suggestion, lead, co = handled
    result = run(tenant_a, day)
    assert result["suggestions_reminded"] == 1
    assert result["due_soon"] == 2
    for unit in (lead, co):
        (notice,) = notices(liaison_of(unit))
        assert notice.kind == "suggestion-due-soon"
        assert f"距答复期限还有{days_left}天" in notice.title
        assert "2026年6月2日" in notice.title
        assert notice.url.endswith(f"/unit-work/{suggestion.pk}/")
    with tenant_a.scope():
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="reminder")
        assert event.actor is None
        assert f"{days_left}天" in event.note


@pytest.mark.parametrize("day", ["2026-05-02", "2026-05-04", "2026-06-01", "2026-06-02"])
def test_no_reminder_between_the_points(tenant_a, handled, day):
    result = run(tenant_a, day)
    assert result["notices"] == 0
    with scopes_disabled():  # test setup
        assert not Notification.objects.exists()
        assert not SuggestionEvent.objects.filter(action="reminder").exists()


def test_a_second_run_on_the_same_day_sends_nothing_twice(tenant_a, handled):
    suggestion, lead, _co = handled
    assert run(tenant_a, "2026-05-18")["notices"] == 2
    again = run(tenant_a, "2026-05-18")
    assert again == {
        "suggestions_reminded": 0,
        "notices": 0,
        "due_soon": 0,
        "overdue": 0,
        "opinion_overdue": 0,
    }
    assert len(notices(liaison_of(lead))) == 1
    with tenant_a.scope():
        assert suggestion.events.filter(action="reminder").count() == 1


def test_overdue_on_the_first_day_and_then_weekly(tenant_a, handled):
    suggestion, lead, co = handled
    with scopes_disabled():  # the co unit gave its opinion: only the reply is late
        SuggestionAssignment.objects.filter(unit=co).update(opinion_at=timezone.now())
    sent = {
        day: run(tenant_a, day)["overdue"]
        for day in (
            "2026-06-03",
            "2026-06-04",
            "2026-06-09",
            "2026-06-10",
            "2026-06-17",
            "2026-06-18",
        )
    }
    assert sent == {
        "2026-06-03": 2,
        "2026-06-04": 0,
        "2026-06-09": 0,
        "2026-06-10": 2,
        "2026-06-17": 2,
        "2026-06-18": 0,
    }
    titles = [notice.title for notice in notices(liaison_of(lead), "suggestion-overdue")]
    assert titles[0].endswith("已超过答复期限1天（期限为2026年6月2日）")
    assert "8天" in titles[1] and "15天" in titles[2]
    with tenant_a.scope():
        assert suggestion.events.filter(action="reminder").count() == 3


def test_a_late_co_handling_opinion_is_reminded_to_that_unit_only(tenant_a, handled):
    _suggestion, lead, co = handled
    result = run(tenant_a, "2026-04-03")
    assert result["opinion_overdue"] == 1
    (notice,) = notices(liaison_of(co))
    assert notice.kind == "suggestion-opinion-overdue"
    assert "协办意见" in notice.title and "2026年4月2日" in notice.title
    assert notices(liaison_of(lead)) == []
    assert run(tenant_a, "2026-04-03")["notices"] == 0
    assert run(tenant_a, "2026-04-10")["opinion_overdue"] == 1
    with scopes_disabled():  # the opinion arrives
        SuggestionAssignment.objects.filter(unit=co).update(opinion_at=timezone.now())
    assert run(tenant_a, "2026-04-17")["notices"] == 0


def test_replied_ones_and_merged_followers_are_not_reminded(tenant_a, handled):
    suggestion, lead, _co = handled
    (other_lead,) = make_units(tenant_a, 1)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        main = accepted(tenant_a)
        follower = accepted(tenant_a, merged_into=main)
        assign(tenant_a, main, other_lead)
    with scopes_disabled():  # test setup: the first one is answered
        Notification.objects.all().delete()
        Suggestion.objects.filter(pk=suggestion.pk).update(status="replied")
        assert Suggestion.objects.get(pk=follower.pk).status == "assigned"
    result = run(tenant_a, "2026-05-03")
    # Only the main merged suggestion, once, to its lead unit.
    assert result["suggestions_reminded"] == 1
    assert len(notices(liaison_of(other_lead))) == 1
    assert notices(liaison_of(lead)) == []
    with tenant_a.scope():
        assert not follower.events.filter(action="reminder").exists()


def test_the_rehandling_round_is_reminded_against_its_own_due_date(tenant_a, handled):
    suggestion, _lead, co = handled
    with scopes_disabled():  # test setup: reopened with a fresh one-month deadline
        Suggestion.objects.filter(pk=suggestion.pk).update(
            status="rehandling", round=2, due_on=date(2026, 8, 3)
        )
        SuggestionAssignment.objects.filter(unit=co).update(opinion_at=timezone.now())
    assert run(tenant_a, "2026-07-27")["due_soon"] == 2  # 7 days before 3 August


def test_only_this_congress_is_reminded(tenant_a, tenant_b, handled):
    (unit_b,) = make_units(tenant_b, 1)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        assign(tenant_b, accepted(tenant_b), unit_b)
    run(tenant_a, "2026-05-03")
    assert notices(liaison_of(unit_b), "suggestion-due-soon") == []


def test_the_choice_takes_the_same_queries_for_one_or_many(tenant_a):
    units = make_units(tenant_a, 3)

    def count_queries() -> int:
        with (
            time_machine.travel("2026-05-03 08:30 +0800", tick=False),
            tenant_a.scope(),
            CaptureQueriesContext(connection) as queries,
        ):
            plans = plan_reminders(congress=tenant_a.congress, today=date(2026, 5, 3))
            assert all(plan.notices for plan in plans)
        return len(queries), len(plans)

    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        assign(tenant_a, accepted(tenant_a), units[0], [units[1]])
    few, planned = count_queries()
    assert planned == 1
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        for _index in range(5):
            assign(tenant_a, accepted(tenant_a), units[2], [units[0], units[1]])
    many, planned = count_queries()
    assert planned == 6
    assert few == many


def test_the_daily_job_runs_for_a_congress_and_records_its_counts(tenant_a, handled):
    with time_machine.travel("2026-05-03 08:30 +0800", tick=False):
        suggestion_reminders.delay(congress_id=tenant_a.congress.pk)
    with scopes_disabled():  # test setup
        job = JobRun.objects.get(task_name="suggestions.reminders.suggestion_reminders")
    assert job.status == "succeeded"
    assert job.result["notices"] == 2 and job.result["suggestions_reminded"] == 1


def test_the_job_is_scheduled_every_morning():
    entry = BEAT_SCHEDULE["suggestion-reminders"]
    assert entry["task"] == "congress.tasks.run_for_each_congress"
    assert entry["args"] == ("suggestions.reminders.suggestion_reminders",)
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({8}, {30})
