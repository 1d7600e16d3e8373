"""The committee staff's services: acceptance and numbering, returning, letters, merging, key
supervision, supervision entries and closing unrated replies, with every refusal."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from congress.errors import DomainError
from congress.models import Role
from suggestions import office_services as services
from suggestions.models import (
    NumberCounter,
    Suggestion,
    SuggestionEvent,
    SupervisionEntry,
)
from tests.factories import (
    CongressSessionFactory,
    DeputyFactory,
    SuggestionFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def staff(tenant_a):
    return tenant_a.user(Role.COMMITTEE_STAFF)


@pytest.fixture
def session(tenant_a):
    with scopes_disabled():  # test setup
        return CongressSessionFactory(congress=tenant_a.congress, name="十七届人大四次会议")


def make(tenant, **fields) -> Suggestion:
    with scopes_disabled():  # test setup
        return SuggestionFactory(congress=tenant.congress, **fields)


def events(suggestion: Suggestion) -> list[tuple[str, str, str]]:
    return list(
        SuggestionEvent.objects.filter(suggestion=suggestion)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )


# Acceptance and numbering --------------------------------------------------------------------


def test_accept_numbers_in_order_per_session_and_records_who(tenant_a, staff, session):
    first, second = make(tenant_a, session=session), make(tenant_a, session=session)
    with tenant_a.scope():
        services.suggestion_accept(actor=staff, suggestion=second, expected_version=0)
        services.suggestion_accept(actor=staff, suggestion=first, note="材料齐全")
        second.refresh_from_db()
        first.refresh_from_db()
        assert (second.number, first.number) == (1, 2)
        assert second.series == first.series == f"s{session.pk}-suggestion"
        assert (second.status, second.version) == ("accepted", 1)
        assert second.accepted_at is not None
        event = SuggestionEvent.objects.get(suggestion=first)
        assert (event.action, event.from_status, event.to_status) == (
            "accept",
            "submitted",
            "accepted",
        )
        assert (event.actor, event.note) == (staff, "材料齐全")


def test_each_session_each_recess_year_and_motions_have_their_own_series(tenant_a, staff, session):
    with scopes_disabled():  # test setup
        later = CongressSessionFactory(congress=tenant_a.congress, name="十七届人大五次会议")
    in_session = make(tenant_a, session=session)
    in_later = make(tenant_a, session=later)
    recess_2025 = make(tenant_a, submitted_at=datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI))
    recess_2026 = make(tenant_a, submitted_at=datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI))
    motion = make(tenant_a, session=session, kind="motion")
    with tenant_a.scope():
        for suggestion in (in_session, in_later, recess_2025, recess_2026, motion):
            services.suggestion_accept(actor=staff, suggestion=suggestion)
            suggestion.refresh_from_db()
        assert [s.number for s in (in_session, in_later, recess_2025, recess_2026, motion)] == [
            1,
            1,
            1,
            1,
            1,
        ]
        assert recess_2025.series == "r2025-suggestion"
        assert recess_2026.series == "r2026-suggestion"
        assert motion.series == f"s{session.pk}-motion"


def test_numbers_are_never_reused_merging_or_refusing_frees_none(tenant_a, staff, session):
    one, two, three = (make(tenant_a, session=session) for _ in range(3))
    returned = make(tenant_a, session=session, status="returned")
    with tenant_a.scope():
        services.suggestion_accept(actor=staff, suggestion=one)
        services.suggestion_accept(actor=staff, suggestion=two)
        services.suggestion_merge(actor=staff, suggestion=two, main=one)
        with pytest.raises(DomainError):
            services.suggestion_accept(actor=staff, suggestion=returned)
        services.suggestion_accept(actor=staff, suggestion=three)
        three.refresh_from_db()
        two.refresh_from_db()
        assert (two.number, three.number) == (2, 3)
        assert NumberCounter.objects.get(series=f"s{session.pk}-suggestion").last_number == 3


def test_accept_refuses_the_wrong_status_role_and_a_stale_page(tenant_a, staff, session):
    accepted = make(tenant_a, session=session, status="accepted", number=7, series="x")
    fresh = make(tenant_a, session=session)
    with tenant_a.scope():
        with pytest.raises(DomainError) as refused:
            services.suggestion_accept(actor=staff, suggestion=accepted)
        assert refused.value.code == "status"
        with pytest.raises(DomainError) as refused:
            services.suggestion_accept(
                actor=tenant_a.user(Role.LEADER), suggestion=fresh, expected_version=0
            )
        assert refused.value.code == "forbidden"
        with pytest.raises(DomainError) as refused:
            services.suggestion_accept(actor=staff, suggestion=fresh, expected_version=3)
        assert refused.value.code == "conflict"
        fresh.refresh_from_db()
        assert (fresh.status, fresh.number) == ("submitted", None)
        # The refused attempts spent no number.
        services.suggestion_accept(actor=staff, suggestion=fresh, expected_version=0)
        fresh.refresh_from_db()
        assert fresh.number == 1


def test_accept_tells_the_leading_deputy(tenant_a, staff, session):
    from congress.models import Notification

    deputy_user = tenant_a.user(Role.DEPUTY)
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress, user=deputy_user)
    suggestion = make(tenant_a, session=session, lead_deputy=deputy)
    with tenant_a.scope():
        services.suggestion_accept(actor=staff, suggestion=suggestion)
        notice = Notification.objects.get(user=deputy_user)
    assert notice.kind == "suggestion_accepted"
    assert notice.url == f"/c/{tenant_a.congress.slug}/my/suggestions/{suggestion.pk}/"


# Returning and letters -----------------------------------------------------------------------


def test_return_needs_a_reason_and_keeps_it(tenant_a, staff):
    suggestion = make(tenant_a)
    with tenant_a.scope():
        with pytest.raises(DomainError) as refused:
            services.suggestion_return(actor=staff, suggestion=suggestion, reason="  ")
        assert refused.value.field == "reason"
        services.suggestion_return(actor=staff, suggestion=suggestion, reason="请补充具体路段")
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.return_reason) == ("returned", "请补充具体路段")
        event = SuggestionEvent.objects.get(suggestion=suggestion)
        assert (event.action, event.note, event.actor) == (
            "return_to_deputy",
            "请补充具体路段",
            staff,
        )
        with pytest.raises(DomainError) as refused:
            services.suggestion_return(actor=staff, suggestion=suggestion, reason="再退")
        assert refused.value.code == "status"


def test_letter_needs_a_reason_and_closes_without_a_number(tenant_a, staff):
    suggestion = make(tenant_a)
    with tenant_a.scope():
        with pytest.raises(DomainError):
            services.suggestion_make_letter(actor=staff, suggestion=suggestion, reason="")
        services.suggestion_make_letter(
            actor=staff, suggestion=suggestion, reason="属于反映情况，供参阅", expected_version=0
        )
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.number) == ("letter", None)
        assert suggestion.closed_at is not None
        with pytest.raises(DomainError) as refused:
            services.suggestion_make_letter(
                actor=tenant_a.user(Role.DEPUTY), suggestion=make(tenant_a), reason="x"
            )
        assert refused.value.code == "forbidden"


# Merging -------------------------------------------------------------------------------------


def accepted(tenant, number, **fields) -> Suggestion:
    return make(tenant, status="accepted", series="s-test", number=number, **fields)


def test_merge_and_unmerge_record_on_both(tenant_a, staff):
    main, follower = accepted(tenant_a, 1), accepted(tenant_a, 2)
    with tenant_a.scope():
        services.suggestion_merge(
            actor=staff, suggestion=follower, main=main, expected_version=0, note="同一路段"
        )
        follower.refresh_from_db()
        main.refresh_from_db()
        assert follower.merged_into == main
        assert (follower.version, main.version) == (1, 1)
        assert [e[0] for e in events(follower)] == ["merge"]
        assert [e[0] for e in events(main)] == ["merge"]
        assert SuggestionEvent.objects.get(suggestion=follower).note == "同一路段"
        services.suggestion_unmerge(actor=staff, suggestion=follower, expected_version=1)
        follower.refresh_from_db()
        assert follower.merged_into is None
        assert [e[0] for e in events(main)] == ["merge", "unmerge"]
        assert follower.title in SuggestionEvent.objects.filter(suggestion=main).last().note


def test_merge_refusals(tenant_a, staff):
    main, follower = accepted(tenant_a, 1), accepted(tenant_a, 2)
    assigned = make(tenant_a, status="assigned", series="s-test", number=3)
    motion = accepted(tenant_a, 4, kind="motion")
    third = accepted(tenant_a, 5)
    with tenant_a.scope():

        def refused(**kwargs) -> DomainError:
            with pytest.raises(DomainError) as error:
                services.suggestion_merge(actor=staff, **kwargs)
            return error.value

        assert refused(suggestion=follower, main=follower).field == "main"
        assert refused(suggestion=follower, main=assigned).code == "status"
        assert refused(suggestion=assigned, main=main).code == "status"
        assert "议案" in refused(suggestion=follower, main=motion).message
        assert refused(suggestion=follower, main=main, expected_version=9).code == "conflict"
        with pytest.raises(DomainError) as error:
            services.suggestion_merge(
                actor=tenant_a.user(Role.LEADER), suggestion=follower, main=main
            )
        assert error.value.code == "forbidden"
        services.suggestion_merge(actor=staff, suggestion=follower, main=main)
        # No chains: not into a follower, not a main one into another, not twice.
        assert refused(suggestion=third, main=follower).field == "main"
        assert refused(suggestion=main, main=third).field == "main"
        follower.refresh_from_db()
        assert refused(suggestion=follower, main=third).code == "status"


def test_unmerge_is_refused_once_handling_started(tenant_a, staff):
    main = make(tenant_a, status="assigned", series="s-test", number=1)
    follower = accepted(tenant_a, 2)
    loose = accepted(tenant_a, 3)
    with scopes_disabled():  # test setup: merged before the main one was assigned
        Suggestion.objects.filter(pk=follower.pk).update(merged_into=main)
    with tenant_a.scope():
        with pytest.raises(DomainError) as error:
            services.suggestion_unmerge(actor=staff, suggestion=follower)
        assert error.value.code == "status"
        with pytest.raises(DomainError) as error:
            services.suggestion_unmerge(actor=staff, suggestion=loose)
        assert error.value.code == "status"


# Key supervision -----------------------------------------------------------------------------


def test_mark_key_needs_both_names_and_an_open_suggestion(tenant_a, staff):
    suggestion = make(tenant_a, status="assigned", series="s", number=1, due_on=date(2026, 12, 1))
    closed = make(tenant_a, status="closed", series="s", number=2)
    with tenant_a.scope():
        with pytest.raises(DomainError) as error:
            services.suggestion_mark_key(
                actor=staff, suggestion=suggestion, leading_official="", supervisor="王主任"
            )
        assert error.value.field == "leading_official"
        with pytest.raises(DomainError) as error:
            services.suggestion_mark_key(
                actor=staff, suggestion=suggestion, leading_official="张副区长", supervisor=""
            )
        assert error.value.field == "supervisor"
        with pytest.raises(DomainError) as error:
            services.suggestion_mark_key(
                actor=staff, suggestion=closed, leading_official="张副区长", supervisor="王主任"
            )
        assert error.value.code == "status"
        services.suggestion_mark_key(
            actor=staff,
            suggestion=suggestion,
            leading_official="张副区长",
            supervisor="王主任",
            expected_version=0,
        )
        suggestion.refresh_from_db()
        assert (suggestion.is_key, suggestion.key_leading_official, suggestion.key_supervisor) == (
            True,
            "张副区长",
            "王主任",
        )
        event = SuggestionEvent.objects.get(suggestion=suggestion)
        assert event.action == "key" and "张副区长" in event.note and "王主任" in event.note
        with pytest.raises(DomainError) as error:
            services.suggestion_unmark_key(actor=staff, suggestion=suggestion, expected_version=0)
        assert error.value.code == "conflict"
        services.suggestion_unmark_key(actor=staff, suggestion=suggestion, note="已办结")
        suggestion.refresh_from_db()
        assert (suggestion.is_key, suggestion.key_leading_official) == (False, "")
        with pytest.raises(DomainError) as error:
            services.suggestion_unmark_key(actor=staff, suggestion=suggestion)
        assert error.value.code == "status"
        with pytest.raises(DomainError) as error:
            services.suggestion_mark_key(
                actor=tenant_a.user(Role.UNIT_LIAISON),
                suggestion=suggestion,
                leading_official="张",
                supervisor="王",
            )
        assert error.value.code == "forbidden"


# Supervision entries -------------------------------------------------------------------------


@time_machine.travel("2026-11-21 09:00 +0800", tick=False)
def test_supervision_entries_are_recorded_without_making_pages_stale(tenant_a, staff):
    suggestion = make(tenant_a, status="assigned", series="s", number=1, due_on=date(2026, 12, 1))
    with tenant_a.scope():
        entry = services.supervision_entry_add(
            actor=staff,
            suggestion=suggestion,
            kind="visit",
            entry_date=date(2026, 11, 20),
            text="到现场查看施工进度",
            expected_version=0,
        )
        assert (entry.kind, entry.recorded_by, entry.suggestion) == ("visit", staff, suggestion)
        suggestion.refresh_from_db()
        assert suggestion.version == 0
        event = SuggestionEvent.objects.get(suggestion=suggestion)
        assert event.action == "supervision" and "到现场查看施工进度" in event.note
        for kwargs, field in (
            ({"entry_date": date(2026, 11, 22), "text": "明天"}, "date"),
            ({"entry_date": date(2026, 11, 20), "text": " "}, "text"),
            ({"entry_date": None, "text": "无日期"}, "date"),
        ):
            with pytest.raises(DomainError) as error:
                services.supervision_entry_add(
                    actor=staff, suggestion=suggestion, kind="note", **kwargs
                )
            assert error.value.field == field
        with pytest.raises(DomainError) as error:
            services.supervision_entry_add(
                actor=tenant_a.user(Role.LEADER),
                suggestion=suggestion,
                kind="note",
                entry_date=date(2026, 11, 20),
                text="领导批示",
            )
        assert error.value.code == "forbidden"
        assert SupervisionEntry.objects.count() == 1


# Closing an unrated reply --------------------------------------------------------------------


def replied(tenant, replied_on: date) -> Suggestion:
    return make(
        tenant,
        status="replied",
        series="s",
        number=1,
        assigned_on=date(2026, 6, 1),
        due_on=date(2026, 9, 1),
        replied_on=replied_on,
        reply_class="A",
    )


def test_close_unrated_is_refused_before_thirty_days_and_says_when(tenant_a, staff):
    suggestion = replied(tenant_a, date(2026, 10, 23))
    with time_machine.travel("2026-11-21 09:00 +0800", tick=False), tenant_a.scope():
        with pytest.raises(DomainError) as error:
            services.suggestion_close_unrated(actor=staff, suggestion=suggestion)
        assert "2026-11-22" in error.value.message
        suggestion.refresh_from_db()
        assert suggestion.status == "replied"
    with time_machine.travel("2026-11-22 09:00 +0800", tick=False), tenant_a.scope():
        services.suggestion_close_unrated(actor=staff, suggestion=suggestion, expected_version=0)
        suggestion.refresh_from_db()
        assert suggestion.status == "closed"
        assert suggestion.closed_at is not None
        assert suggestion.final_rating == ""
        event = SuggestionEvent.objects.get(suggestion=suggestion)
        assert (event.action, event.from_status, event.to_status) == (
            "close_unrated",
            "replied",
            "closed",
        )
        assert "30" in event.note


def test_close_unrated_refuses_other_statuses_and_other_roles(tenant_a, staff):
    suggestion = replied(tenant_a, date(2026, 1, 5))
    assigned = make(tenant_a, status="assigned", series="s", number=2, due_on=date(2026, 12, 1))
    with tenant_a.scope():
        with pytest.raises(DomainError) as error:
            services.suggestion_close_unrated(actor=staff, suggestion=assigned)
        assert error.value.code == "status"
        with pytest.raises(DomainError) as error:
            services.suggestion_close_unrated(
                actor=tenant_a.user(Role.LEADER), suggestion=suggestion
            )
        assert error.value.code == "forbidden"
        with pytest.raises(DomainError) as error:
            services.suggestion_close_unrated(
                actor=staff, suggestion=suggestion, expected_version=4
            )
        assert error.value.code == "conflict"
