"""A handling unit's work: returning a wrongly assigned item, co-handling opinions, contacts,
the reply with its class and letter (carried to merged suggestions), and the follow-up list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from congress.errors import DomainError
from congress.models import Notification, Role, User
from suggestions import unit_work_selectors as selectors
from suggestions import unit_work_services as services
from suggestions.models import (
    AssignmentStatus,
    ContactLog,
    HandlingUnit,
    Suggestion,
    SuggestionAssignment,
    SuggestionCosigner,
    SuggestionEvent,
    SuggestionFeedback,
    SuggestionReply,
    UnitLiaison,
)
from suggestions.selectors import suggestion_visible
from tests.factories import (
    DeputyFactory,
    HandlingUnitFactory,
    MembershipFactory,
    SuggestionAssignmentFactory,
    SuggestionFactory,
)

# Assigned on Monday 2 March 2026: may be returned until 11 March (7 working days), reply due
# on 2 June (three months).
ASSIGNED_ON = date(2026, 3, 2)
RETURN_BY = date(2026, 3, 11)
DUE_ON = date(2026, 6, 2)
IN_TIME = "2026-03-05 10:00 +0800"


def pdf(name: str = "答复函.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% signed letter\n", content_type="application/pdf")


@dataclass
class Handling:
    """A suggestion assigned to the tenant's unit liaison's unit (lead) and to a co unit."""

    suggestion: Suggestion
    lead: SuggestionAssignment
    co: SuggestionAssignment
    liaison: User
    co_liaison: User
    staff: User


def make_liaison(tenant, unit: HandlingUnit, user: User | None = None) -> User:
    # Test setup.
    with scopes_disabled():
        if user is None:
            user = MembershipFactory(congress=tenant.congress, role=Role.UNIT_LIAISON).user
        UnitLiaison.objects.create(congress=tenant.congress, unit=unit, user=user)
    return user


def assigned(
    tenant,
    *,
    number: int = 1,
    status: str = "assigned",
    unit: HandlingUnit | None = None,
    due_on: date = DUE_ON,
    **fields,
) -> Suggestion:
    """A suggestion with an active lead assignment to `unit` (test setup)."""
    with scopes_disabled():
        suggestion = SuggestionFactory(
            congress=tenant.congress,
            status=status,
            number=number,
            series="r2026-suggestion",
            assigned_on=ASSIGNED_ON,
            due_on=due_on,
            **fields,
        )
        if unit is not None:
            SuggestionAssignmentFactory(
                congress=tenant.congress,
                suggestion=suggestion,
                unit=unit,
                role="lead",
                assigned_on=ASSIGNED_ON,
                return_by=RETURN_BY,
            )
    return suggestion


@pytest.fixture
def handling(tenant_a) -> Handling:
    congress = tenant_a.congress
    with scopes_disabled():  # test setup
        lead_unit = HandlingUnitFactory(congress=congress, name="区住房和城乡建设局")
        co_unit = HandlingUnitFactory(congress=congress, name="区交通运输局")
        deputy = DeputyFactory(congress=congress, name="周玉兰", user=tenant_a.user(Role.DEPUTY))
        suggestion = assigned(tenant_a, lead_deputy=deputy)
        lead = SuggestionAssignmentFactory(
            congress=congress,
            suggestion=suggestion,
            unit=lead_unit,
            role="lead",
            assigned_on=ASSIGNED_ON,
            return_by=RETURN_BY,
        )
        co = SuggestionAssignmentFactory(
            congress=congress,
            suggestion=suggestion,
            unit=co_unit,
            role="co",
            assigned_on=ASSIGNED_ON,
            return_by=RETURN_BY,
            opinion_due_on=date(2026, 4, 2),
        )
    liaison = make_liaison(tenant_a, lead_unit, tenant_a.user(Role.UNIT_LIAISON))
    co_liaison = make_liaison(tenant_a, co_unit)
    return Handling(
        suggestion=suggestion,
        lead=lead,
        co=co,
        liaison=liaison,
        co_liaison=co_liaison,
        staff=tenant_a.user(Role.COMMITTEE_STAFF),
    )


def fresh(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.get(pk=suggestion.pk)


def told(user: User, kind: str) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


# Returning a wrongly assigned item ---------------------------------------------------------------


@time_machine.travel(IN_TIME, tick=False)
def test_the_lead_unit_returns_a_wrongly_assigned_item_and_staff_are_told(tenant_a, handling):
    with tenant_a.scope():
        version = handling.suggestion.version
        services.suggestion_unit_return(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            reason="属于交通部门职责",
            expected_version=version,
        )
        handling.lead.refresh_from_db()
        assert handling.lead.status == AssignmentStatus.RETURNED
        assert handling.lead.return_reason == "属于交通部门职责"
        assert handling.lead.returned_at is not None
        assert (
            handling.lead.history.order_by("-history_id").first().history_user == handling.liaison
        )
        suggestion = fresh(handling.suggestion)
        assert suggestion.version == version + 1
        assert suggestion.status == "assigned"  # staff reassign it; the item stays in handling
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="unit_return")
        assert event.actor == handling.liaison
        assert "属于交通部门职责" in event.note
        assert told(handling.staff, "suggestion_unit_return") == 1
        assert told(tenant_a.user(Role.COMMITTEE_ADMIN), "suggestion_unit_return") == 1
        # No longer the unit's to see.
        membership = tenant_a.members[Role.UNIT_LIAISON]
        assert not suggestion_visible(membership=membership).filter(pk=suggestion.pk).exists()


@time_machine.travel(IN_TIME, tick=False)
def test_a_co_unit_may_return_its_part_too(tenant_a, handling):
    with tenant_a.scope():
        services.suggestion_unit_return(
            actor=handling.co_liaison, suggestion=handling.suggestion, reason="与本单位无关"
        )
        handling.co.refresh_from_db()
        handling.lead.refresh_from_db()
        assert handling.co.status == AssignmentStatus.RETURNED
        assert handling.lead.status == AssignmentStatus.ACTIVE


@time_machine.travel("2026-03-12 09:00 +0800", tick=False)
def test_returning_after_the_last_day_is_refused(tenant_a, handling):
    with tenant_a.scope(), pytest.raises(DomainError) as refused:
        services.suggestion_unit_return(
            actor=handling.liaison, suggestion=handling.suggestion, reason="不属于本单位"
        )
    assert "2026-03-11" in refused.value.message
    with tenant_a.scope():
        handling.lead.refresh_from_db()
        assert handling.lead.status == AssignmentStatus.ACTIVE


@time_machine.travel("2026-03-11 17:00 +0800", tick=False)
def test_returning_on_the_last_day_is_allowed(tenant_a, handling):
    with tenant_a.scope():
        services.suggestion_unit_return(
            actor=handling.liaison, suggestion=handling.suggestion, reason="不属于本单位"
        )
        handling.lead.refresh_from_db()
        assert handling.lead.status == AssignmentStatus.RETURNED


@time_machine.travel(IN_TIME, tick=False)
def test_returning_needs_a_reason_and_is_refused_after_the_reply(tenant_a, handling):
    with tenant_a.scope():
        with pytest.raises(DomainError) as refused:
            services.suggestion_unit_return(
                actor=handling.liaison, suggestion=handling.suggestion, reason="  "
            )
        assert refused.value.field == "reason"
        services.suggestion_reply(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            reply_class="A",
            text="已完成道路维修。",
            letter=pdf(),
        )
        with pytest.raises(DomainError) as refused:
            services.suggestion_unit_return(
                actor=handling.co_liaison, suggestion=handling.suggestion, reason="不属于本单位"
            )
        assert refused.value.code == "status"


@time_machine.travel(IN_TIME, tick=False)
def test_a_stale_page_cannot_return_it(tenant_a, handling):
    with tenant_a.scope():
        stale = handling.suggestion.version
        services.contact_log_add(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            stage="before",
            method="phone",
            contacted_on=date(2026, 3, 4),
            text="电话沟通办理思路",
        )
        services.suggestion_co_opinion(
            actor=handling.co_liaison, suggestion=handling.suggestion, opinion="同意"
        )
        services.suggestion_unit_return(
            actor=handling.co_liaison, suggestion=handling.suggestion, reason="不属于本单位"
        )
        with pytest.raises(DomainError) as refused:
            services.suggestion_unit_return(
                actor=handling.liaison,
                suggestion=handling.suggestion,
                reason="不属于本单位",
                expected_version=stale,
            )
        assert refused.value.code == "conflict"


# Co-handling opinion -----------------------------------------------------------------------------


@time_machine.travel(IN_TIME, tick=False)
def test_a_co_unit_gives_its_opinion_and_the_lead_unit_is_told(tenant_a, handling):
    with tenant_a.scope():
        services.suggestion_co_opinion(
            actor=handling.co_liaison,
            suggestion=handling.suggestion,
            opinion="建议增设公交站台。",
            expected_version=handling.suggestion.version,
        )
        handling.co.refresh_from_db()
        assert handling.co.opinion == "建议增设公交站台。"
        assert handling.co.opinion_at is not None
        assert told(handling.liaison, "suggestion_co_opinion") == 1
        assert SuggestionEvent.objects.filter(action="co_opinion", actor=handling.co_liaison)


def test_the_lead_unit_gives_no_co_opinion(tenant_a, handling):
    with tenant_a.scope(), pytest.raises(DomainError) as refused:
        services.suggestion_co_opinion(
            actor=handling.liaison, suggestion=handling.suggestion, opinion="意见"
        )
    assert refused.value.code == "forbidden"


# Contacts ----------------------------------------------------------------------------------------


@time_machine.travel(IN_TIME, tick=False)
def test_a_contact_is_logged_for_the_liaisons_unit(tenant_a, handling):
    with tenant_a.scope():
        contact = services.contact_log_add(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            stage="before",
            method="visit",
            contacted_on=date(2026, 3, 4),
            text="上门听取代表意见",
        )
        assert contact.unit == handling.lead.unit
        assert contact.recorded_by == handling.liaison
        assert SuggestionEvent.objects.filter(action="contact").count() == 1
        # A contact changes nothing the deputy's rating depends on: no version change.
        assert fresh(handling.suggestion).version == handling.suggestion.version


@time_machine.travel(IN_TIME, tick=False)
def test_contact_input_is_checked(tenant_a, handling):
    good = {
        "stage": "during",
        "method": "phone",
        "contacted_on": date(2026, 3, 4),
        "text": "电话沟通",
    }
    cases = [
        ({"contacted_on": date(2026, 3, 6)}, "contacted_on"),
        ({"stage": "someday"}, "stage"),
        ({"method": "pigeon"}, "method"),
        ({"text": ""}, "text"),
        ({"contacted_on": None}, "contacted_on"),
    ]
    with tenant_a.scope():
        for change, field in cases:
            with pytest.raises(DomainError) as refused:
                services.contact_log_add(
                    actor=handling.liaison,
                    suggestion=handling.suggestion,
                    **{**good, **change},
                )
            assert refused.value.field == field
        assert ContactLog.objects.count() == 0


@time_machine.travel(IN_TIME, tick=False)
def test_staff_may_log_a_contact_but_another_unit_may_not(tenant_a, handling):
    with tenant_a.scope():
        contact = services.contact_log_add(
            actor=handling.staff,
            suggestion=handling.suggestion,
            stage="during",
            method="meeting",
            contacted_on=date(2026, 3, 5),
            text="现场座谈",
        )
        assert contact.unit == handling.lead.unit
        with scopes_disabled():  # test setup
            stranger = make_liaison(tenant_a, HandlingUnitFactory(congress=tenant_a.congress))
        with pytest.raises(DomainError) as refused:
            services.contact_log_add(
                actor=stranger,
                suggestion=handling.suggestion,
                stage="during",
                method="phone",
                contacted_on=date(2026, 3, 5),
                text="电话",
            )
        assert refused.value.code == "forbidden"


# The reply ---------------------------------------------------------------------------------------


@time_machine.travel("2026-05-20 10:00 +0800", tick=False)
def test_the_lead_unit_replies_and_the_deputies_are_asked_to_rate(tenant_a, handling):
    with tenant_a.scope():
        cosigner = DeputyFactory(congress=tenant_a.congress)
        invited = DeputyFactory(congress=tenant_a.congress)
        SuggestionCosigner.objects.create(
            congress=tenant_a.congress,
            suggestion=handling.suggestion,
            deputy=cosigner,
            status="confirmed",
        )
        SuggestionCosigner.objects.create(
            congress=tenant_a.congress, suggestion=handling.suggestion, deputy=invited
        )
        reply = services.suggestion_reply(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            reply_class="A",
            text="道路已于5月维修完毕。",
            letter=pdf(),
            expected_version=handling.suggestion.version,
        )
        assert reply.round == 1
        assert reply.unit == handling.lead.unit
        assert reply.replied_on == date(2026, 5, 20)
        assert reply.due_on == DUE_ON
        assert reply.on_time
        assert reply.letter_name == "答复函.pdf"
        assert reply.letter.read().startswith(b"%PDF-")
        assert reply.replied_by == handling.liaison
        suggestion = fresh(handling.suggestion)
        assert suggestion.status == "replied"
        assert suggestion.reply_class == "A"
        assert suggestion.first_replied_on == date(2026, 5, 20)
        assert suggestion.first_due_on == DUE_ON
        event = SuggestionEvent.objects.get(suggestion=suggestion, action="reply")
        assert (event.from_status, event.to_status, event.actor) == (
            "assigned",
            "replied",
            handling.liaison,
        )
        feedback = SuggestionFeedback.objects.filter(suggestion=suggestion, round=1)
        assert {row.deputy_id for row in feedback} == {suggestion.lead_deputy_id, cosigner.pk}
        assert feedback.get(is_lead=True).deputy == suggestion.lead_deputy
        assert told(tenant_a.user(Role.DEPUTY), "suggestion_reply") == 1
        assert told(handling.staff, "suggestion_replied") == 1


@time_machine.travel("2026-06-03 10:00 +0800", tick=False)
def test_a_late_reply_is_recorded_as_late(tenant_a, handling):
    with tenant_a.scope():
        reply = services.suggestion_reply(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            reply_class="C",
            text="受条件限制，留作参考。",
            letter=pdf(),
        )
        assert not reply.on_time


def test_a_co_unit_cannot_reply(tenant_a, handling):
    with tenant_a.scope(), pytest.raises(DomainError) as refused:
        services.suggestion_reply(
            actor=handling.co_liaison,
            suggestion=handling.suggestion,
            reply_class="A",
            text="已解决",
            letter=pdf(),
        )
    assert refused.value.code == "forbidden"
    with tenant_a.scope():
        assert not SuggestionReply.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reply_class": "Z"}, "reply_class"),
        ({"reply_class": ""}, "reply_class"),
        ({"text": " "}, "text"),
        ({"letter": None}, "letter"),
        ({"letter": SimpleUploadedFile("答复函.pdf", b"not a pdf at all")}, "letter"),
        ({"letter": SimpleUploadedFile("答复函.exe", b"MZ\x90\x00")}, "letter"),
    ],
)
def test_the_reply_input_is_checked(tenant_a, handling, change, field):
    arguments = {"reply_class": "A", "text": "已解决", "letter": pdf(), **change}
    with tenant_a.scope():
        with pytest.raises(DomainError) as refused:
            services.suggestion_reply(
                actor=handling.liaison, suggestion=handling.suggestion, **arguments
            )
        assert refused.value.field == field
        assert fresh(handling.suggestion).status == "assigned"
        assert not SuggestionReply.objects.exists()


def test_the_congress_own_classes_are_used(tenant_a, handling):
    with scopes_disabled():  # test setup
        tenant_a.congress.reply_classes = [
            {"code": "甲", "name": "已解决"},
            {"code": "乙", "name": "正在解决"},
            {"code": "丙", "name": "留作参考"},
        ]
        tenant_a.congress.save()
    with tenant_a.scope():
        suggestion = Suggestion.objects.get(pk=handling.suggestion.pk)
        with pytest.raises(DomainError):
            services.suggestion_reply(
                actor=handling.liaison,
                suggestion=suggestion,
                reply_class="A",
                text="已解决",
                letter=pdf(),
            )
        services.suggestion_reply(
            actor=handling.liaison,
            suggestion=suggestion,
            reply_class="乙",
            text="正在解决",
            letter=pdf(),
        )
        assert fresh(suggestion).reply_class == "乙"


@pytest.mark.parametrize("status", ["accepted", "replied", "closed"])
def test_replying_from_the_wrong_status_is_refused(tenant_a, status):
    with scopes_disabled():  # test setup
        unit = HandlingUnitFactory(congress=tenant_a.congress)
    liaison = make_liaison(tenant_a, unit, tenant_a.user(Role.UNIT_LIAISON))
    suggestion = assigned(tenant_a, status=status, unit=unit)
    with tenant_a.scope(), pytest.raises(DomainError) as refused:
        services.suggestion_reply(
            actor=liaison, suggestion=suggestion, reply_class="A", text="已解决", letter=pdf()
        )
    assert refused.value.code == "status"


def test_a_stale_reply_is_refused(tenant_a, handling):
    with tenant_a.scope():
        stale = handling.suggestion.version
        services.suggestion_co_opinion(
            actor=handling.co_liaison, suggestion=handling.suggestion, opinion="同意"
        )
        services.suggestion_reply(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            reply_class="A",
            text="已解决",
            letter=pdf(),
            expected_version=stale,  # an opinion does not change the suggestion itself
        )
        with pytest.raises(DomainError) as refused:
            services.suggestion_report_solved(
                actor=handling.liaison,
                suggestion=handling.suggestion,
                solved_on=date.today(),
                note="已解决",
                expected_version=stale,
            )
        assert refused.value.code == "conflict"


def test_staff_enter_a_paper_reply_on_the_units_behalf(tenant_a, handling):
    with tenant_a.scope():
        reply = services.suggestion_reply(
            actor=handling.staff,
            suggestion=handling.suggestion,
            reply_class="B",
            text="列入明年计划。",
            letter=pdf("纸质答复.pdf"),
        )
        assert reply.unit == handling.lead.unit
        assert reply.replied_by == handling.staff
        event = SuggestionEvent.objects.get(action="reply")
        assert event.actor == handling.staff
        assert handling.lead.unit.name in event.note


@time_machine.travel("2026-05-20 10:00 +0800", tick=False)
def test_the_reply_is_carried_to_merged_suggestions(tenant_a, handling):
    with scopes_disabled():  # test setup
        other_deputy = DeputyFactory(congress=tenant_a.congress, name="王建国")
        follower = assigned(
            tenant_a,
            number=2,
            lead_deputy=other_deputy,
            merged_into=handling.suggestion,
            unit=handling.lead.unit,
            due_on=date(2026, 6, 5),
        )
        finished = assigned(tenant_a, number=3, status="closed", merged_into=handling.suggestion)
    with tenant_a.scope():
        # A merged suggestion is answered through the one it is merged into.
        with pytest.raises(DomainError) as refused:
            services.suggestion_reply(
                actor=handling.liaison,
                suggestion=follower,
                reply_class="A",
                text="已解决",
                letter=pdf(),
            )
        assert refused.value.code == "status"
        main_reply = services.suggestion_reply(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            reply_class="A",
            text="已解决",
            letter=pdf(),
        )
        follower = fresh(follower)
        assert follower.status == "replied"
        assert follower.reply_class == "A"
        follower_reply = SuggestionReply.objects.get(suggestion=follower)
        assert follower_reply.due_on == date(2026, 6, 5)
        assert follower_reply.letter.name == main_reply.letter.name
        assert SuggestionFeedback.objects.get(suggestion=follower).deputy == other_deputy
        assert SuggestionEvent.objects.filter(suggestion=follower, action="reply").exists()
        assert fresh(finished).status == "closed"
        assert not SuggestionReply.objects.filter(suggestion=finished).exists()


def test_a_second_round_reply_keeps_the_first_rounds_dates(tenant_a, handling):
    with scopes_disabled():  # test setup
        Suggestion.objects.filter(pk=handling.suggestion.pk).update(
            status="rehandling",
            round=2,
            due_on=date(2026, 7, 20),
            first_due_on=DUE_ON,
            first_replied_on=date(2026, 5, 20),
            first_rating="unsatisfied",
        )
        SuggestionReply.objects.create(
            congress=tenant_a.congress,
            suggestion=handling.suggestion,
            round=1,
            unit=handling.lead.unit,
            reply_class="C",
            text="留作参考",
            replied_on=date(2026, 5, 20),
            due_on=DUE_ON,
        )
    with tenant_a.scope(), time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        reply = services.suggestion_reply(
            actor=handling.liaison,
            suggestion=fresh(handling.suggestion),
            reply_class="A",
            text="重新办理后已解决",
            letter=pdf(),
        )
        assert (reply.round, reply.due_on) == (2, date(2026, 7, 20))
        suggestion = fresh(handling.suggestion)
        assert suggestion.first_replied_on == date(2026, 5, 20)
        assert suggestion.replied_on == date(2026, 7, 10)
        assert SuggestionFeedback.objects.filter(suggestion=suggestion, round=2).count() == 1


# The follow-up list ------------------------------------------------------------------------------


def _reply_b(tenant, handling) -> None:
    with tenant.scope(), time_machine.travel("2026-05-20 10:00 +0800", tick=False):
        services.suggestion_reply(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            reply_class="B",
            text="已列入年度计划，正在实施。",
            letter=pdf(),
        )


def test_a_being_solved_reply_stays_on_the_follow_up_list_until_reported_solved(tenant_a, handling):
    _reply_b(tenant_a, handling)
    membership = tenant_a.members[Role.UNIT_LIAISON]
    with tenant_a.scope(), time_machine.travel("2026-09-01 10:00 +0800", tick=False):
        listed = list(selectors.unit_follow_up_list(membership=membership))
        assert [reply.suggestion_id for reply in listed] == [handling.suggestion.pk]
        with pytest.raises(DomainError) as refused:
            services.suggestion_report_solved(
                actor=handling.liaison,
                suggestion=handling.suggestion,
                solved_on=date(2026, 9, 2),
                note="已完工",
            )
        assert refused.value.field == "solved_on"
        with pytest.raises(DomainError) as refused:
            services.suggestion_report_solved(
                actor=handling.co_liaison,
                suggestion=handling.suggestion,
                solved_on=date(2026, 8, 30),
                note="已完工",
            )
        assert refused.value.code == "forbidden"
        services.suggestion_report_solved(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            solved_on=date(2026, 8, 30),
            note="道路改造已完工",
            expected_version=fresh(handling.suggestion).version,
        )
        assert not selectors.unit_follow_up_list(membership=membership).exists()
        suggestion = fresh(handling.suggestion)
        assert suggestion.follow_up_done_on == date(2026, 8, 30)
        reply = SuggestionReply.objects.get(suggestion=suggestion)
        assert (reply.solved_on, reply.solved_note) == (date(2026, 8, 30), "道路改造已完工")
        assert SuggestionEvent.objects.filter(action="report_solved").count() == 1
        with pytest.raises(DomainError) as refused:
            services.suggestion_report_solved(
                actor=handling.liaison,
                suggestion=suggestion,
                solved_on=date(2026, 8, 31),
                note="再报一次",
            )
        assert refused.value.code == "status"


def test_only_a_being_solved_reply_can_be_reported_solved(tenant_a, handling):
    with tenant_a.scope():
        services.suggestion_reply(
            actor=handling.liaison,
            suggestion=handling.suggestion,
            reply_class="A",
            text="已解决",
            letter=pdf(),
        )
        assert not selectors.unit_follow_up_list(
            membership=tenant_a.members[Role.UNIT_LIAISON]
        ).exists()
        with pytest.raises(DomainError) as refused:
            services.suggestion_report_solved(
                actor=handling.liaison,
                suggestion=handling.suggestion,
                solved_on=date.today(),
                note="已解决",
            )
        assert refused.value.code == "status"


# The unit's list ---------------------------------------------------------------------------------


@time_machine.travel("2026-06-10 10:00 +0800", tick=False)
def test_the_list_puts_overdue_first_then_by_due_date_and_filters(tenant_a, handling):
    unit = handling.lead.unit
    with scopes_disabled():  # test setup
        later = assigned(tenant_a, number=5, unit=unit, due_on=date(2026, 9, 1))
        overdue = assigned(tenant_a, number=6, unit=unit, due_on=date(2026, 6, 5))
        sooner = assigned(tenant_a, number=7, unit=unit, due_on=date(2026, 6, 20))
        replied = assigned(tenant_a, number=8, status="replied", unit=unit)
        elsewhere = assigned(
            tenant_a, number=9, unit=HandlingUnitFactory(congress=tenant_a.congress)
        )
        co_only = assigned(tenant_a, number=10, unit=handling.co.unit, due_on=date(2026, 7, 1))
        SuggestionAssignmentFactory(
            congress=tenant_a.congress,
            suggestion=co_only,
            unit=unit,
            role="co",
            opinion_due_on=date(2026, 4, 2),
        )
    membership = tenant_a.members[Role.UNIT_LIAISON]
    with tenant_a.scope():
        waiting = list(selectors.unit_work_list(membership=membership))
        # The handling fixture's suggestion is due 2 June: overdue too, and earlier.
        assert [row.pk for row in waiting] == [
            handling.suggestion.pk,
            overdue.pk,
            sooner.pk,
            co_only.pk,
            later.pk,
        ]
        assert waiting[0].overdue and not waiting[2].overdue
        rows = {row.pk: row for row in waiting}
        assert rows[handling.suggestion.pk].our_role == "lead"
        assert rows[co_only.pk].our_role == "co"
        assert rows[co_only.pk].our_opinion_due == date(2026, 4, 2)
        assert rows[co_only.pk].lead_unit_name == handling.co.unit.name
        selectors.with_days_left(waiting, date(2026, 6, 10))
        assert rows[sooner.pk].days_left == 10
        assert rows[overdue.pk].days_overdue == 5
        answered = selectors.unit_work_list(membership=membership, show=selectors.REPLIED)
        assert [row.pk for row in answered] == [replied.pk]
        everything = selectors.unit_work_list(membership=membership, show=selectors.ALL)
        assert elsewhere.pk not in {row.pk for row in everything}
        assert everything.count() == 6
