"""Deadlines across holidays: the reply due date, the unit's return window, the extension cap."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django_scopes import scopes_disabled

from congress.calendar import add_working_days
from congress.errors import DomainError
from congress.models import CalendarOverride, Role
from suggestions import assign_services as services
from suggestions import lifecycle
from suggestions.models import AssignmentRole, Suggestion
from tests.suggestions.test_assign import accepted, make_units


def assign_on(tenant, day: str, **kwargs) -> Suggestion:
    lead, co = make_units(tenant, 2)
    suggestion = accepted(tenant)
    with time_machine.travel(f"{day} 09:00 +0800", tick=False), tenant.scope():
        services.suggestion_assign(
            actor=tenant.user(Role.COMMITTEE_STAFF),
            suggestion=suggestion,
            lead_unit=lead,
            co_units=[co],
            **kwargs,
        )
        suggestion.refresh_from_db()
    return suggestion


def test_a_due_date_on_national_day_moves_to_the_first_working_day_after(tenant_a):
    # 1 July + 3 months = 1 October, the first day of the 2026 National Day holiday (1–7 Oct).
    suggestion = assign_on(tenant_a, "2026-07-01")
    assert suggestion.assigned_on == date(2026, 7, 1)
    assert suggestion.due_on == date(2026, 10, 8)


def test_month_end_is_clamped_and_a_sunday_moves_to_monday(tenant_a):
    # 30 November + 3 months = 28 February 2027 (no 30th), a Sunday; 2027 is not announced,
    # so the weekday fallback gives Monday 1 March.
    assert lifecycle.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    suggestion = assign_on(tenant_a, "2026-11-30")
    assert suggestion.due_on == date(2027, 3, 1)


def test_an_unannounced_year_uses_the_congress_overrides_first(tenant_a):
    with scopes_disabled():  # test setup
        CalendarOverride.objects.create(
            congress=tenant_a.congress, date=date(2027, 3, 1), is_working_day=False, note="调休"
        )
    suggestion = assign_on(tenant_a, "2026-11-30")
    assert suggestion.due_on == date(2027, 3, 2)


def test_the_return_window_counts_seven_working_days_across_the_holiday(tenant_a):
    # From Tue 29 Sep: 30 Sep, then 8, 9, 10 (make-up Saturday), 12, 13, 14 October.
    suggestion = assign_on(tenant_a, "2026-09-29")
    with tenant_a.scope():
        lead = suggestion.assignments.get(role=AssignmentRole.LEAD)
        co = suggestion.assignments.get(role=AssignmentRole.CO)
        assert add_working_days(date(2026, 9, 29), 7) == date(2026, 10, 14)
    assert lead.return_by == co.return_by == date(2026, 10, 14)
    assert lead.opinion_due_on is None
    # 29 Oct is a Thursday: the co-handling opinion is due a month after assignment.
    assert co.opinion_due_on == date(2026, 10, 29)


def test_the_co_handling_opinion_due_date_leaves_the_holiday_too(tenant_a):
    # 1 Sep + 1 month = 1 Oct (National Day) → 8 Oct.
    suggestion = assign_on(tenant_a, "2026-09-01")
    with tenant_a.scope():
        co = suggestion.assignments.get(role=AssignmentRole.CO)
    assert co.opinion_due_on == date(2026, 10, 8)


def test_the_congress_reply_period_is_its_own(tenant_a):
    with scopes_disabled():  # test setup
        tenant_a.congress.reply_deadline_months = 2
        tenant_a.congress.save()
    suggestion = assign_on(tenant_a, "2026-03-02")
    assert suggestion.due_on == date(2026, 5, 6)  # 2 May falls in the Labour Day holiday


def extend(tenant, suggestion, due_on, **kwargs):
    with tenant.scope():
        return services.suggestion_extend(
            actor=tenant.user(Role.COMMITTEE_STAFF),
            suggestion=suggestion,
            due_on=due_on,
            reason=kwargs.get("reason", "涉及多部门协调，需要更多时间"),
            approved_by=kwargs.get("approved_by", "王副主任"),
        )


def test_an_extension_is_capped_at_six_months_from_assignment(tenant_a):
    suggestion = assign_on(tenant_a, "2026-03-02")
    assert suggestion.due_on == date(2026, 6, 2)
    with time_machine.travel("2026-05-20 09:00 +0800", tick=False):
        with pytest.raises(DomainError) as refused:
            extend(tenant_a, suggestion, date(2026, 9, 3))
        assert refused.value.field == "due_on"
        assert "6" in refused.value.message
        extend(tenant_a, suggestion, date(2026, 9, 2))
    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.due_on == date(2026, 9, 2)
        (extension,) = suggestion.extensions.all()
        assert (extension.from_due_on, extension.to_due_on) == (date(2026, 6, 2), date(2026, 9, 2))
        assert extension.approved_by == "王副主任"
        assert suggestion.events.filter(action="extend").count() == 1


def test_the_cap_itself_moves_off_a_holiday(tenant_a):
    # 1 Apr + 6 months = 1 Oct → the cap is 8 Oct; a date in the holiday becomes 8 Oct.
    suggestion = assign_on(tenant_a, "2026-04-01")
    with tenant_a.scope():
        assert services.extension_limit(suggestion) == date(2026, 10, 8)
    with time_machine.travel("2026-06-20 09:00 +0800", tick=False):
        extend(tenant_a, suggestion, date(2026, 10, 3))
    with tenant_a.scope():
        suggestion.refresh_from_db()
    assert suggestion.due_on == date(2026, 10, 8)


def test_an_extension_must_move_the_date_later_and_name_who_approved(tenant_a):
    suggestion = assign_on(tenant_a, "2026-03-02")
    with pytest.raises(DomainError) as earlier:
        extend(tenant_a, suggestion, date(2026, 6, 1))
    assert earlier.value.field == "due_on"
    with pytest.raises(DomainError) as nobody:
        extend(tenant_a, suggestion, date(2026, 7, 1), approved_by="  ")
    assert nobody.value.field == "approved_by"
    with pytest.raises(DomainError) as no_reason:
        extend(tenant_a, suggestion, date(2026, 7, 1), reason="")
    assert no_reason.value.field == "reason"
    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.due_on == date(2026, 6, 2)
        assert not suggestion.extensions.exists()


def test_only_a_suggestion_being_handled_is_extended(tenant_a):
    suggestion = accepted(tenant_a)
    with pytest.raises(DomainError) as refused:
        extend(tenant_a, suggestion, date(2026, 7, 1))
    assert refused.value.code == "status"
