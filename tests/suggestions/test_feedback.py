"""Rating a reply: the leading deputy's rating closes or reopens the suggestion (with a new due
date across holidays); a co-signer's is recorded; links and paper forms rate on the deputy's
behalf."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from congress.calendar import is_working_day
from congress.errors import DomainError
from congress.models import Notification, Role
from suggestions import lifecycle
from suggestions.feedback_services import suggestion_rate
from suggestions.models import (
    CosignerStatus,
    SuggestionCosigner,
    SuggestionEvent,
    SuggestionFeedback,
    SuggestionReply,
    SuggestionStatus,
    UnitLiaison,
)
from tests.factories import (
    HandlingUnitFactory,
    SuggestionAssignmentFactory,
    SuggestionFactory,
)
from tests.suggestions.test_submit import my_deputy, other_deputies

SHANGHAI = ZoneInfo("Asia/Shanghai")


def replied(tenant, deputy, *, cosigners=(), round=1, replied_on=date(2026, 5, 20)):
    """A suggestion replied to in `round`, with its feedback rows asked for (test setup)."""
    with scopes_disabled():
        congress = tenant.congress
        suggestion = SuggestionFactory(
            congress=congress,
            lead_deputy=deputy,
            status="replied",
            number=1,
            series="r2026-suggestion",
            round=round,
            assigned_on=date(2026, 3, 2),
            due_on=date(2026, 6, 2),
            replied_on=replied_on,
            reply_class="A",
        )
        unit = HandlingUnitFactory(congress=congress)
        UnitLiaison.objects.create(
            congress=congress, unit=unit, user=tenant.user(Role.UNIT_LIAISON)
        )
        SuggestionAssignmentFactory(congress=congress, suggestion=suggestion, unit=unit)
        for other in cosigners:
            SuggestionCosigner.objects.create(
                congress=congress, suggestion=suggestion, deputy=other, status="confirmed"
            )
    with tenant.scope():
        add_reply(suggestion, unit, round=round, replied_on=replied_on)
    return suggestion


def add_reply(suggestion, unit, *, round, replied_on, text="已列入明年计划，正在解决。"):
    SuggestionReply.objects.create(
        congress=suggestion.congress,
        suggestion=suggestion,
        round=round,
        unit=unit,
        reply_class="A",
        text=text,
        replied_on=replied_on,
        due_on=suggestion.due_on,
    )
    return lifecycle.feedback_request(suggestion, actor=None)


def lead_row(suggestion):
    return SuggestionFeedback.objects.get(
        suggestion=suggestion, round=suggestion.round, is_lead=True
    )


def test_the_leading_deputy_is_satisfied_and_it_closes(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    actor = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope():
        feedback = suggestion_rate(actor=actor, feedback=lead_row(suggestion), rating="satisfied")
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.CLOSED
        assert suggestion.first_rating == suggestion.final_rating == "satisfied"
        assert suggestion.closed_at is not None
        assert feedback.rated_by == actor and feedback.rated_at is not None
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="close_rated")
        assert event.actor == actor
        assert deputy.name in event.note


def test_basically_satisfied_also_closes(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    with tenant_a.scope():
        suggestion_rate(
            actor=tenant_a.user(Role.DEPUTY),
            feedback=lead_row(suggestion),
            rating="basically_satisfied",
        )
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.CLOSED
        assert suggestion.final_rating == "basically_satisfied"


def test_unsatisfied_needs_a_reason(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    with tenant_a.scope():
        with pytest.raises(DomainError) as refused:
            suggestion_rate(
                actor=tenant_a.user(Role.DEPUTY),
                feedback=lead_row(suggestion),
                rating="unsatisfied",
                reason="  ",
            )
        assert refused.value.field == "reason"
        assert "不满意的理由" in refused.value.message
        assert lead_row(suggestion).rated_at is None
        with pytest.raises(DomainError) as refused:
            suggestion_rate(
                actor=tenant_a.user(Role.DEPUTY), feedback=lead_row(suggestion), rating="great"
            )
        assert refused.value.field == "rating"


def test_unsatisfied_reopens_it_due_a_month_later_after_the_national_day_holiday(tenant_a):
    # Rated on Saturday 5 September 2026: a month later is 5 October, inside the National Day
    # holiday (1-7 October), so the new due date is the first working day after it.
    with tenant_a.scope():
        assert not is_working_day(date(2026, 10, 5))
        assert is_working_day(date(2026, 10, 8))
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy, replied_on=date(2026, 9, 1))
    with (
        time_machine.travel(datetime(2026, 9, 5, 10, 0, tzinfo=SHANGHAI), tick=False),
        tenant_a.scope(),
    ):
        suggestion_rate(
            actor=tenant_a.user(Role.DEPUTY),
            feedback=lead_row(suggestion),
            rating="unsatisfied",
            reason="只答复了计划，没有具体时间表。",
        )
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.REHANDLING
        assert suggestion.round == 2
        assert suggestion.due_on == date(2026, 10, 8)
        assert suggestion.joint_supervision
        assert suggestion.first_rating == "unsatisfied"
        assert suggestion.first_due_on is None or suggestion.first_due_on == date(2026, 6, 2)
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="reopen")
        assert "只答复了计划" in event.note
        told = {
            (notice.user_id, notice.kind)
            for notice in Notification.objects.filter(kind="suggestion_reopened")
        }
        assert (tenant_a.user(Role.UNIT_LIAISON).pk, "suggestion_reopened") in told
        assert (tenant_a.user(Role.COMMITTEE_STAFF).pk, "suggestion_reopened") in told
        notice = Notification.objects.filter(user=tenant_a.user(Role.UNIT_LIAISON)).get(
            kind="suggestion_reopened"
        )
        assert "2026年10月8日" in notice.title


def test_a_reopening_outside_the_holidays_is_due_the_same_day_next_month(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    with (
        time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=SHANGHAI), tick=False),
        tenant_a.scope(),
    ):
        suggestion_rate(
            actor=tenant_a.user(Role.DEPUTY),
            feedback=lead_row(suggestion),
            rating="unsatisfied",
            reason="没有解决。",
        )
        suggestion.refresh_from_db()
        # Friday 10 July 2026 is a working day.
        assert suggestion.due_on == date(2026, 7, 10)


def test_the_second_round_is_rated_once_more_and_then_closes(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    actor = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope():
        first = lead_row(suggestion)
        suggestion_rate(actor=actor, feedback=first, rating="unsatisfied", reason="没有解决。")
        # The unit replies again (set directly: replying is another part's service).
        suggestion.refresh_from_db()
        suggestion.status = SuggestionStatus.REPLIED
        suggestion.save()
        rows = add_reply(
            suggestion,
            suggestion.assignments.get().unit,
            round=2,
            replied_on=date(2026, 6, 30),
        )
        assert [row.round for row in rows] == [2]
        # The first round's link is spent.
        with pytest.raises(DomainError):
            suggestion_rate(actor=actor, feedback=first, rating="satisfied")
        suggestion_rate(
            actor=actor, feedback=lead_row(suggestion), rating="unsatisfied", reason="仍未解决。"
        )
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.CLOSED
        assert suggestion.first_rating == suggestion.final_rating == "unsatisfied"
        assert suggestion.round == 2


def test_a_co_signers_rating_is_recorded_but_moves_nothing(tenant_a):
    deputy = my_deputy(tenant_a)
    (cosigner,) = other_deputies(tenant_a, 1)
    suggestion = replied(tenant_a, deputy, cosigners=[cosigner])
    with tenant_a.scope():
        row = SuggestionFeedback.objects.get(suggestion=suggestion, deputy=cosigner)
        assert not row.is_lead
        suggestion_rate(actor=cosigner.user, feedback=row, rating="unsatisfied", reason="太慢")
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.REPLIED
        assert suggestion.final_rating == ""
        row.refresh_from_db()
        assert row.rating == "unsatisfied"
        assert SuggestionEvent.objects.get(suggestion=suggestion, action="rate").actor == (
            cosigner.user
        )
        # A co-signer cannot rate the leading deputy's row for them.
        with pytest.raises(DomainError) as refused:
            suggestion_rate(actor=cosigner.user, feedback=lead_row(suggestion), rating="satisfied")
        assert refused.value.code == "forbidden"


def test_refusals(tenant_a):
    deputy = my_deputy(tenant_a)
    (stranger,) = other_deputies(tenant_a, 1)
    suggestion = replied(tenant_a, deputy)
    with tenant_a.scope():
        row = lead_row(suggestion)
        for actor in (stranger.user, tenant_a.user(Role.UNIT_LIAISON), tenant_a.user(Role.LEADER)):
            with pytest.raises(DomainError) as refused:
                suggestion_rate(actor=actor, feedback=row, rating="satisfied")
            assert refused.value.code == "forbidden"
        suggestion_rate(actor=tenant_a.user(Role.DEPUTY), feedback=row, rating="satisfied")
        with pytest.raises(DomainError, match="已经评价"):
            suggestion_rate(actor=tenant_a.user(Role.DEPUTY), feedback=row, rating="satisfied")


def test_only_a_replied_suggestion_is_rated(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    with tenant_a.scope():
        type(suggestion).objects.filter(pk=suggestion.pk).update(status="assigned")
        with pytest.raises(DomainError) as refused:
            suggestion_rate(
                actor=tenant_a.user(Role.DEPUTY), feedback=lead_row(suggestion), rating="satisfied"
            )
        assert refused.value.code == "status"


def test_through_the_link_nobody_is_signed_in(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    with tenant_a.scope():
        feedback = suggestion_rate(
            actor=None, feedback=lead_row(suggestion), rating="satisfied", via_token=True
        )
        assert feedback.rated_by is None
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="close_rated")
        assert event.actor is None
        assert "通过发给代表的链接" in event.note
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.CLOSED


def test_staff_enter_the_paper_form_on_the_leads_behalf(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope():
        feedback = suggestion_rate(
            actor=staff, feedback=lead_row(suggestion), rating="basically_satisfied"
        )
        assert feedback.rated_by == staff
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="close_rated")
        assert event.actor == staff
        assert "纸质征询意见表" in event.note


def test_feedback_rows_go_to_the_lead_and_confirmed_co_signers_only(tenant_a):
    deputy = my_deputy(tenant_a)
    confirmed, invited = other_deputies(tenant_a, 2)
    suggestion = replied(tenant_a, deputy, cosigners=[confirmed])
    with tenant_a.scope():
        SuggestionCosigner.objects.create(
            congress=tenant_a.congress,
            suggestion=suggestion,
            deputy=invited,
            status=CosignerStatus.INVITED,
        )
        deputies = set(
            SuggestionFeedback.objects.filter(suggestion=suggestion).values_list(
                "deputy_id", flat=True
            )
        )
        assert deputies == {deputy.pk, confirmed.pk}
