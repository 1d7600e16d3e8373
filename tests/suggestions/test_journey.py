"""One suggestion's whole life through the services of every part, with time frozen: a deputy
submits, staff accept and assign, the unit replies, the deputy is unsatisfied, it is handled
again and closed; the record, the deadlines and the statistics agree with what happened."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from congress.models import Role
from suggestions import (
    assign_services,
    feedback_services,
    office_services,
    stats_selectors,
    submit_services,
    unit_work_services,
)
from suggestions.models import (
    Rating,
    Suggestion,
    SuggestionCategory,
    SuggestionFeedback,
    SuggestionStatus,
    UnitLiaison,
)
from tests.factories import CongressSessionFactory, DeputyFactory, HandlingUnitFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


def letter() -> SimpleUploadedFile:
    return SimpleUploadedFile("答复函.pdf", b"%PDF-1.4\n% signed\n", content_type="application/pdf")


@pytest.mark.django_db(transaction=False)
def test_a_suggestion_from_the_phone_to_its_second_rating(tenant_a):
    congress = tenant_a.congress
    staff = tenant_a.user(Role.COMMITTEE_STAFF)
    liaison = tenant_a.user(Role.UNIT_LIAISON)
    deputy_user = tenant_a.user(Role.DEPUTY)
    with tenant_a.scope():
        deputy = DeputyFactory(congress=congress, user=deputy_user, name="王建国")
        unit = HandlingUnitFactory(congress=congress, name="区住建局")
        UnitLiaison.objects.create(congress=congress, unit=unit, user=liaison)
        session = CongressSessionFactory(
            congress=congress,
            name="十七届人大四次会议",
            starts_on=date(2026, 6, 28),
            ends_on=date(2026, 7, 1),
        )
        category = SuggestionCategory.objects.get(name="城乡建设")

    # The deputy writes and submits during the session.
    with at(date(2026, 6, 29)), tenant_a.scope():
        suggestion = submit_services.suggestion_save_draft(
            actor=deputy_user,
            congress=congress,
            lead_deputy=deputy,
            kind="suggestion",
            session=session,
            title="关于整治檀溪路积水的建议",
            content="檀溪路每逢大雨积水严重，建议改造排水管网。",
            category=category,
        )
        assert suggestion.status == SuggestionStatus.DRAFT
        suggestion = submit_services.suggestion_submit(actor=deputy_user, suggestion=suggestion)
        assert suggestion.status == SuggestionStatus.SUBMITTED

    # Staff accept it (No. 1 of the session) and assign it on 1 July: three months later is
    # 1 October, in the National Day holiday (1-7 October), so the reply is due on 8 October.
    with at(date(2026, 7, 1)), tenant_a.scope():
        suggestion = office_services.suggestion_accept(actor=staff, suggestion=suggestion)
        assert suggestion.number == 1
        suggestion = assign_services.suggestion_assign(
            actor=staff, suggestion=suggestion, lead_unit=unit
        )
        assert suggestion.status == SuggestionStatus.ASSIGNED
        assert suggestion.assigned_on == date(2026, 7, 1)
        assert suggestion.due_on == date(2026, 10, 8)

    # The unit replies on time, class B; the deputy is not satisfied.
    with at(date(2026, 9, 15)), tenant_a.scope():
        suggestion = Suggestion.objects.get(pk=suggestion.pk)
        unit_work_services.suggestion_reply(
            actor=liaison,
            suggestion=suggestion,
            reply_class="B",
            text="已列入明年改造计划。",
            letter=letter(),
        )
        feedback = SuggestionFeedback.objects.get(suggestion=suggestion, round=1)
        assert feedback.is_lead and feedback.deputy == deputy
        feedback_services.suggestion_rate(
            actor=deputy_user,
            feedback=feedback,
            rating=Rating.UNSATISFIED,
            reason="没有明确的完工时间。",
        )
        suggestion = Suggestion.objects.get(pk=suggestion.pk)
        assert suggestion.status == SuggestionStatus.REHANDLING
        assert suggestion.round == 2
        assert suggestion.joint_supervision is True
        # One month later is 15 October, a working day.
        assert suggestion.due_on == date(2026, 10, 15)

    # The second reply comes late (after 15 October); the deputy is satisfied and it closes.
    with at(date(2026, 10, 20)), tenant_a.scope():
        suggestion = Suggestion.objects.get(pk=suggestion.pk)
        unit_work_services.suggestion_reply(
            actor=liaison,
            suggestion=suggestion,
            reply_class="A",
            text="排水管网改造已于10月完工。",
            letter=letter(),
        )
        feedback = SuggestionFeedback.objects.get(suggestion=suggestion, round=2)
        feedback_services.suggestion_rate(
            actor=deputy_user, feedback=feedback, rating=Rating.SATISFIED
        )
        suggestion = Suggestion.objects.get(pk=suggestion.pk)
        assert suggestion.status == SuggestionStatus.CLOSED
        assert (suggestion.first_rating, suggestion.final_rating) == ("unsatisfied", "satisfied")
        assert suggestion.reply_class == "A"
        assert (suggestion.first_due_on, suggestion.first_replied_on) == (
            date(2026, 10, 8),
            date(2026, 9, 15),
        )

        # Every step is on the record: who, and from which status to which.
        steps = list(
            suggestion.events.values_list("action", "from_status", "to_status", "actor_id")
        )
        transitions = [step for step in steps if step[1] != step[2]]
        assert transitions == [
            ("submit", "draft", "submitted", deputy_user.pk),
            ("accept", "submitted", "accepted", staff.pk),
            ("assign", "accepted", "assigned", staff.pk),
            ("reply", "assigned", "replied", liaison.pk),
            ("reopen", "replied", "rehandling", deputy_user.pk),
            ("reply", "rehandling", "replied", liaison.pk),
            ("close_rated", "replied", "closed", deputy_user.pk),
        ]

        # The dashboard agrees: the first reply was on time, the A-class and final
        # satisfaction rates count the last reply and rating, the first rating was unsatisfied.
        figures = stats_selectors.statistics(congress=congress).total
        assert figures.received == 1
        assert figures.on_time == 1 and figures.late == 0
        assert figures.on_time_rate == 1
        assert figures.solved_rate == 1
        assert figures.first_satisfaction_rate == 0
        assert figures.final_satisfaction_rate == 1
        assert figures.rehandled == 1
