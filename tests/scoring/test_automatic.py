"""Records the system already knows: suggestions accepted, reception days attended, voter
messages answered and group projects done score themselves, linked to their source."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_scopes import scopes_disabled

from congress.models import Role
from liaison import message_services, project_services, reception_services
from liaison.models import Attendance, GroupProject, ReceptionDay, VoterMessage
from scoring.automatic import duty_records_from_source
from scoring.models import DutyRecord, DutyRecordEvent
from scoring.services import duty_quarter_close, rule_set_create_from_preset, rule_set_revise
from suggestions import office_services
from suggestions.models import CosignerStatus, Suggestion, SuggestionCosigner
from tests.factories import (
    CongressSessionFactory,
    DeputyFactory,
    DeputyGroupFactory,
    GroupMembershipFactory,
    GroupProjectFactory,
    LiaisonStationFactory,
    ReceptionDayFactory,
    ReceptionDutyFactory,
    SuggestionFactory,
    VoterMessageFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 5, 20)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 5, 20, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield TODAY


@pytest.fixture
def staff(tenant_a):
    return tenant_a.user(Role.COMMITTEE_STAFF)


@pytest.fixture
def people(tenant_a, frozen):
    """Four serving deputies and one who resigned."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        serving = [
            DeputyFactory(congress=congress, name=name) for name in ("张桂芳", "李建国", "王秀兰")
        ]
        serving.append(DeputyFactory(congress=congress, name="赵德明"))
        resigned = DeputyFactory(congress=congress, name="孙立华", status="resigned")
    return serving, resigned


def rules(tenant, preset="six", year=2026):
    with tenant.scope():
        return rule_set_create_from_preset(
            actor=None, congress=tenant.congress, year=year, preset=preset
        )


def records(tenant, source, source_id=None):
    with tenant.scope():
        queryset = DutyRecord.objects.filter(source_type=source)
        if source_id is not None:
            queryset = queryset.filter(source_id=source_id)
        return list(queryset.order_by("deputy__name", "pk"))


def actions(tenant, record):
    with tenant.scope():
        return list(
            DutyRecordEvent.objects.filter(record=record)
            .order_by("id")
            .values_list("action", "from_status", "to_status")
        )


# Suggestions accepted ----------------------------------------------------------------------


def _suggestion(tenant, lead, cosigners) -> Suggestion:
    with scopes_disabled():  # test setup
        suggestion = SuggestionFactory(congress=tenant.congress, lead_deputy=lead)
        for deputy, status in cosigners:
            SuggestionCosigner.objects.create(
                congress=tenant.congress, suggestion=suggestion, deputy=deputy, status=status
            )
    return suggestion


def test_an_accepted_suggestion_scores_the_lead_and_the_confirmed_cosigners(
    tenant_a, people, staff
):
    rules(tenant_a)
    (lead, confirmed, invited, declined), resigned = people
    suggestion = _suggestion(
        tenant_a,
        lead,
        [
            (confirmed, CosignerStatus.CONFIRMED),
            (invited, CosignerStatus.INVITED),
            (declined, CosignerStatus.DECLINED),
            (resigned, CosignerStatus.CONFIRMED),
        ],
    )
    with tenant_a.scope():
        office_services.suggestion_accept(actor=staff, suggestion=suggestion)
    found = records(tenant_a, "suggestion_accepted", suggestion.pk)
    assert {record.deputy_id for record in found} == {lead.pk, confirmed.pk}
    for record in found:
        assert record.category_code == "suggestion"
        assert record.category_name == "提出建议"
        assert (record.origin, record.status) == ("automatic", "approved")
        assert record.reviewed_by is None
        assert (record.occurred_on, record.year, record.quarter) == (TODAY, 2026, 2)
        assert actions(tenant_a, record) == [("automatic", "", "approved")]
    by_deputy = {record.deputy_id: record for record in found}
    assert by_deputy[lead.pk].description.startswith("领衔")
    assert by_deputy[confirmed.pk].description.startswith("附议")


def test_the_twelve_categories_score_each_source_under_its_own_item(tenant_a, people, staff):
    rules(tenant_a, preset="twelve")
    (lead, *_others), _resigned = people
    suggestion = _suggestion(tenant_a, lead, [])
    with tenant_a.scope():
        office_services.suggestion_accept(actor=staff, suggestion=suggestion)
        for source in ("reception_attended", "message_answered", "project_done"):
            duty_records_from_source(
                congress=tenant_a.congress,
                source=source,
                source_id=1,
                deputy_ids=[lead.pk],
                occurred_on=TODAY,
                description="",
            )
        codes = dict(DutyRecord.objects.values_list("source_type", "category_code"))
        names = dict(DutyRecord.objects.values_list("source_type", "description"))
    assert codes == {
        "suggestion_accepted": "suggestion",
        "reception_attended": "reception_day",
        "message_answered": "voter_message",
        "project_done": "livelihood_project",
    }
    # Without a description the item's name says what it was.
    assert names["project_done"] == "为民办实事"


# Reception days ----------------------------------------------------------------------------


def _reception(tenant, deputies, day=TODAY) -> ReceptionDay:
    with scopes_disabled():  # test setup
        station = LiaisonStationFactory(congress=tenant.congress, name="铁佛寺社区代表联络站")
        reception = ReceptionDayFactory(congress=tenant.congress, station=station, date=day)
        for deputy in deputies:
            ReceptionDutyFactory(reception_day=reception, deputy=deputy)
    return reception


def _attend(tenant, staff, reception, attendance):
    with tenant.scope():
        reception_services.reception_day_record(
            actor=staff,
            day=ReceptionDay.objects.get(pk=reception.pk),
            attendance=attendance,
            visitor_count=5,
        )


def test_attendance_scores_once_is_withdrawn_when_corrected_and_restored_when_redone(
    tenant_a, people, staff
):
    rules(tenant_a)
    (zhang, li, wang, _zhao), _resigned = people
    reception = _reception(tenant_a, [zhang, li, wang])
    A, X, E = Attendance.ATTENDED, Attendance.ABSENT, Attendance.EXCUSED
    _attend(tenant_a, staff, reception, {zhang.pk: A, li.pk: A, wang.pk: X})
    _attend(tenant_a, staff, reception, {zhang.pk: A, li.pk: A, wang.pk: X})
    found = records(tenant_a, "reception_attended", reception.pk)
    assert {(r.deputy_id, r.status) for r in found} == {(li.pk, "approved"), (zhang.pk, "approved")}
    assert found[0].category_code == "contact_voters"
    assert "铁佛寺社区代表联络站" in found[0].description

    # Li did not come after all: the record stops counting, with the reason.
    _attend(tenant_a, staff, reception, {zhang.pk: A, li.pk: E, wang.pk: X})
    li_record = next(r for r in records(tenant_a, "reception_attended") if r.deputy_id == li.pk)
    assert li_record.status == "rejected"
    assert li_record.reject_reason
    # And then the sign-in sheet turned up: the same record counts again.
    _attend(tenant_a, staff, reception, {zhang.pk: A, li.pk: A, wang.pk: A})
    found = records(tenant_a, "reception_attended", reception.pk)
    assert len(found) == 3
    assert {r.status for r in found} == {"approved"}
    li_record = next(r for r in found if r.deputy_id == li.pk)
    assert li_record.reject_reason == ""
    assert actions(tenant_a, li_record) == [
        ("automatic", "", "approved"),
        ("withdraw", "approved", "rejected"),
        ("restore", "rejected", "approved"),
    ]


def test_a_reception_during_a_congress_session_is_not_a_recess_activity(tenant_a, people, staff):
    rules(tenant_a)
    (zhang, *_others), _resigned = people
    with scopes_disabled():  # test setup
        CongressSessionFactory(
            congress=tenant_a.congress, starts_on=date(2026, 5, 18), ends_on=date(2026, 5, 21)
        )
    reception = _reception(tenant_a, [zhang])
    _attend(tenant_a, staff, reception, {zhang.pk: Attendance.ATTENDED})
    assert records(tenant_a, "reception_attended") == []


def test_a_closed_quarter_gets_no_records_and_keeps_its_own(tenant_a, people, staff):
    rules(tenant_a)
    (zhang, li, *_others), _resigned = people
    reception = _reception(tenant_a, [zhang, li], day=date(2026, 3, 20))
    _attend(tenant_a, staff, reception, {zhang.pk: Attendance.ATTENDED, li.pk: Attendance.ABSENT})
    with tenant_a.scope():
        duty_quarter_close(actor=staff, congress=tenant_a.congress, year=2026, quarter=1)
    _attend(tenant_a, staff, reception, {zhang.pk: Attendance.ABSENT, li.pk: Attendance.ATTENDED})
    found = records(tenant_a, "reception_attended")
    assert [(r.deputy_id, r.status) for r in found] == [(zhang.pk, "confirmed")]


# Voter messages ----------------------------------------------------------------------------


def test_an_answered_message_scores_the_deputy_it_was_addressed_or_forwarded_to(
    tenant_a, people, staff
):
    rules(tenant_a)
    (zhang, li, *_others), _resigned = people
    with scopes_disabled():  # test setup
        to_zhang = VoterMessageFactory(congress=tenant_a.congress, deputy=zhang)
        forwarded = VoterMessageFactory(
            congress=tenant_a.congress, deputy=zhang, status="forwarded", forwarded_to_deputy=li
        )
        to_station = VoterMessageFactory(congress=tenant_a.congress, deputy=None)
    with tenant_a.scope():
        for message in (to_zhang, forwarded, to_station):
            message_services.voter_message_answer(
                actor=staff, message=VoterMessage.objects.get(pk=message.pk), answer="已联系处理。"
            )
    found = records(tenant_a, "message_answered")
    assert sorted((r.source_id, r.deputy_id) for r in found) == sorted(
        [(to_zhang.pk, zhang.pk), (forwarded.pk, li.pk)]
    )
    assert {r.category_code for r in found} == {"contact_voters"}


def test_a_visit_answered_on_the_spot_scores_the_deputy_who_received_it(tenant_a, people, staff):
    rules(tenant_a)
    (zhang, *_others), _resigned = people
    with scopes_disabled():  # test setup
        station = LiaisonStationFactory(congress=tenant_a.congress, name="檀溪联络站")
    with tenant_a.scope():
        visits = [
            message_services.voter_message_register_visit(
                actor=staff,
                congress=tenant_a.congress,
                station=station,
                deputy=deputy,
                topic=VoterMessage._meta.get_field("topic").choices[0][0],
                text="小区路灯坏了。",
                consent_confirmed=True,
                answered_on_the_spot=True,
                answer="已当场联系街道。",
            )
            for deputy in (zhang, None)
        ]
    found = records(tenant_a, "message_answered")
    # Staff who answered a visit with no deputy present earn nobody a record.
    assert [(r.source_id, r.deputy_id, r.status) for r in found] == [
        (visits[0].pk, zhang.pk, "approved")
    ]


# Group projects ----------------------------------------------------------------------------


def test_a_project_done_scores_every_serving_member_of_the_group_on_its_day(
    tenant_a, people, staff
):
    rules(tenant_a)
    (zhang, li, _wang, _zhao), resigned = people
    with scopes_disabled():  # test setup
        group = DeputyGroupFactory(congress=tenant_a.congress, name="古城街道代表小组")
        for deputy in (zhang, li, resigned):
            GroupMembershipFactory(group=group, deputy=deputy)
        project = GroupProjectFactory(
            congress=tenant_a.congress, group=group, claimed_on=date(2026, 4, 1), title="路灯改造"
        )
    with tenant_a.scope():
        project_services.project_close(
            actor=staff,
            project=GroupProject.objects.get(pk=project.pk),
            outcome="已完成",
            closed_on=date(2026, 5, 8),
        )
    found = records(tenant_a, "project_done", project.pk)
    assert {r.deputy_id for r in found} == {zhang.pk, li.pk}
    assert {r.occurred_on for r in found} == {date(2026, 5, 8)}
    assert "路灯改造" in found[0].description


# When nothing is recorded ------------------------------------------------------------------


def test_nothing_without_rules_or_an_item_that_takes_the_source(tenant_a, people, staff):
    (zhang, *_others), _resigned = people

    def record(source_id):
        return duty_records_from_source(
            congress=tenant_a.congress,
            source="message_answered",
            source_id=source_id,
            deputy_ids=[zhang.pk],
            occurred_on=TODAY,
            description="答复留言",
        )

    with tenant_a.scope():
        assert record(1) == 0
    rule_set = rules(tenant_a)
    with tenant_a.scope():
        items = [
            {
                "code": item.code,
                "name": item.name,
                "kind": item.kind,
                "points": item.points,
                "auto_sources": [s for s in item.auto_sources if s != "message_answered"],
                "self_reported": item.self_reported,
            }
            for item in rule_set.items.all()
        ]
        rule_set_revise(actor=staff, rule_set=rule_set, items=items, note="留言不再计分")
        assert record(2) == 0
        assert not DutyRecord.objects.exists()


def test_nothing_for_a_deputy_who_is_not_serving_or_a_future_day(tenant_a, people):
    rules(tenant_a)
    (zhang, *_others), resigned = people
    with tenant_a.scope():
        created = duty_records_from_source(
            congress=tenant_a.congress,
            source="project_done",
            source_id=7,
            deputy_ids=[resigned.pk],
            occurred_on=TODAY,
            description="",
        )
        future = duty_records_from_source(
            congress=tenant_a.congress,
            source="project_done",
            source_id=8,
            deputy_ids=[zhang.pk],
            occurred_on=date(2026, 6, 1),
            description="",
        )
        assert (created, future) == (0, 0)
        assert not DutyRecord.objects.exists()


def test_each_congress_keeps_its_own_records(tenant_a, tenant_b, people, staff):
    rules(tenant_a)
    rules(tenant_b)
    (zhang, *_others), _resigned = people
    suggestion = _suggestion(tenant_a, zhang, [])
    with tenant_a.scope():
        office_services.suggestion_accept(actor=staff, suggestion=suggestion)
    with tenant_b.scope():
        assert not DutyRecord.objects.exists()
    assert len(records(tenant_a, "suggestion_accepted")) == 1
