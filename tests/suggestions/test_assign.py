"""Assignment (交办): assign, reassign and extend, through the services, the pages and the API."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
import time_machine
from django_scopes import scopes_disabled

from congress.errors import DomainError
from congress.models import Notification, Role
from suggestions import assign_services as services
from suggestions.models import (
    AssignmentRole,
    AssignmentStatus,
    Suggestion,
    SuggestionAssignment,
    SuggestionEvent,
    UnitLiaison,
)
from tests.factories import HandlingUnitFactory, MembershipFactory, SuggestionFactory

_numbers = itertools.count(1)


def make_units(tenant, count: int, *, liaison: bool = True) -> list:
    """Active units of the tenant, each with a liaison account of its own."""
    units = []
    with scopes_disabled():  # test setup
        for _index in range(count):
            unit = HandlingUnitFactory(congress=tenant.congress)
            if liaison:
                member = MembershipFactory(congress=tenant.congress, role=Role.UNIT_LIAISON)
                UnitLiaison.objects.create(congress=tenant.congress, unit=unit, user=member.user)
            units.append(unit)
    return units


def accepted(tenant, **fields) -> Suggestion:
    with scopes_disabled():  # test setup
        return SuggestionFactory(
            congress=tenant.congress,
            status="accepted",
            series="r2026-suggestion",
            number=next(_numbers),
            **fields,
        )


def liaison_of(unit):
    with scopes_disabled():  # test setup
        return UnitLiaison.objects.filter(unit=unit).select_related("user").first().user


def assign(tenant, suggestion, lead, co=(), **kwargs):
    with tenant.scope():
        services.suggestion_assign(
            actor=tenant.user(Role.COMMITTEE_STAFF),
            suggestion=suggestion,
            lead_unit=lead,
            co_units=co,
            **kwargs,
        )
        suggestion.refresh_from_db()
    return suggestion


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


def page(tenant, suggestion, action: str) -> str:
    return f"/c/{tenant.congress.slug}/suggestions/{suggestion.pk}/{action}/"


def api(tenant, suggestion, action: str) -> str:
    return f"/api/v1/c/{tenant.congress.slug}/suggestions/{suggestion.pk}/{action}/"


# --- The service ----------------------------------------------------------------------------


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_assign_stores_the_due_date_the_units_and_tells_their_liaisons(tenant_a):
    lead, co1, co2 = make_units(tenant_a, 3)
    suggestion = assign(tenant_a, accepted(tenant_a), lead, [co1, co2], note="请于期限内答复")
    assert suggestion.status == "assigned"
    assert (suggestion.assigned_on, suggestion.due_on) == (date(2026, 3, 2), date(2026, 6, 2))
    with tenant_a.scope():
        rows = list(suggestion.assignments.order_by("role", "unit_id"))
        assert [(row.unit_id, row.role) for row in rows] == [
            (co1.pk, "co"),
            (co2.pk, "co"),
            (lead.pk, "lead"),
        ]
        assert all(row.status == AssignmentStatus.ACTIVE for row in rows)
        assert all(row.return_by == date(2026, 3, 11) for row in rows)
        assert [row.opinion_due_on for row in rows] == [date(2026, 4, 2)] * 2 + [None]
        event = suggestion.events.get(action="assign")
        assert event.actor == tenant_a.user(Role.COMMITTEE_STAFF)
        assert lead.name in event.note and co2.name in event.note and "请于期限内答复" in event.note
        for unit in (lead, co1, co2):
            notice = Notification.objects.get(user=liaison_of(unit))
            assert notice.kind == "suggestion_assigned"
            assert notice.url == f"/c/{tenant_a.congress.slug}/unit-work/{suggestion.pk}/"


@time_machine.travel("2026-03-02 09:00 +0800", tick=False)
def test_merged_followers_are_assigned_with_their_main_suggestion(tenant_a):
    lead, co = make_units(tenant_a, 2)
    main = accepted(tenant_a)
    follower = accepted(tenant_a, merged_into=main)
    assign(tenant_a, main, lead, [co])
    with tenant_a.scope():
        follower.refresh_from_db()
        assert (follower.status, follower.due_on) == ("assigned", date(2026, 6, 2))
        assert set(follower.assignments.values_list("unit_id", "role")) == {
            (lead.pk, "lead"),
            (co.pk, "co"),
        }
        # The follower itself cannot be assigned on its own.
    other = accepted(tenant_a, merged_into=main)
    with pytest.raises(DomainError) as refused:
        assign(tenant_a, other, lead)
    assert refused.value.code == "status"


@pytest.mark.parametrize("status", ["submitted", "assigned", "replied", "closed"])
def test_only_an_accepted_suggestion_is_assigned(tenant_a, status):
    (lead,) = make_units(tenant_a, 1)
    suggestion = accepted(tenant_a)
    with scopes_disabled():  # test setup
        Suggestion.objects.filter(pk=suggestion.pk).update(status=status)
    with pytest.raises(DomainError) as refused:
        assign(tenant_a, suggestion, lead)
    assert refused.value.code == "status"
    with tenant_a.scope():
        assert not SuggestionAssignment.objects.exists()


def test_units_must_be_active_distinct_and_of_this_congress(tenant_a, tenant_b):
    lead, co = make_units(tenant_a, 2)
    (foreign,) = make_units(tenant_b, 1)
    suggestion = accepted(tenant_a)
    with pytest.raises(DomainError) as same:
        assign(tenant_a, suggestion, lead, [lead])
    assert same.value.field == "co_units"
    with pytest.raises(DomainError) as other_congress:
        assign(tenant_a, suggestion, foreign)
    assert other_congress.value.field == "lead_unit"
    with scopes_disabled():  # test setup
        co.is_active = False
        co.save()
    with pytest.raises(DomainError) as inactive:
        assign(tenant_a, suggestion, lead, [co])
    assert inactive.value.field == "co_units"
    # Listing the same co unit twice is one assignment.
    (co2,) = make_units(tenant_a, 1)
    assign(tenant_a, suggestion, lead, [co2, co2])
    with tenant_a.scope():
        assert suggestion.assignments.count() == 2


def test_a_stale_version_is_refused(tenant_a):
    (lead,) = make_units(tenant_a, 1)
    suggestion = accepted(tenant_a)
    with pytest.raises(DomainError) as refused:
        assign(tenant_a, suggestion, lead, expected_version=suggestion.version + 1)
    assert refused.value.code == "conflict"


def test_reassign_after_the_unit_returned_it_keeps_the_due_date(tenant_a):
    old, new = make_units(tenant_a, 2)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        suggestion = assign(tenant_a, accepted(tenant_a), old)
    with scopes_disabled():  # the unit's return is another part's service; its outcome here
        SuggestionAssignment.objects.filter(suggestion=suggestion).update(
            status=AssignmentStatus.RETURNED, return_reason="不属于本单位职责"
        )
    with tenant_a.scope(), time_machine.travel("2026-03-06 09:00 +0800", tick=False):
        with pytest.raises(DomainError) as missing:
            services.suggestion_reassign(
                actor=tenant_a.user(Role.COMMITTEE_STAFF), suggestion=suggestion, reason="改交"
            )
        assert missing.value.field == "lead_unit"
        services.suggestion_reassign(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            suggestion=suggestion,
            lead_unit=new,
            reason="原单位退回，改由新单位主办",
        )
        suggestion.refresh_from_db()
        assert suggestion.due_on == date(2026, 6, 2)
        lead = suggestion.assignments.get(status=AssignmentStatus.ACTIVE)
        assert (lead.unit_id, lead.role, lead.assigned_on) == (new.pk, "lead", date(2026, 3, 6))
        assert lead.return_by == date(2026, 3, 17)
        event = suggestion.events.get(action="reassign")
        assert "原单位退回" in event.note and new.name in event.note
        assert Notification.objects.filter(user=liaison_of(new)).count() == 1


def test_reassign_by_staff_decision_withdraws_the_old_lead_and_may_restart(tenant_a):
    old, new, co, extra = make_units(tenant_a, 4)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        suggestion = assign(tenant_a, accepted(tenant_a), old, [co])
    with tenant_a.scope(), time_machine.travel("2026-04-01 09:00 +0800", tick=False):
        services.suggestion_reassign(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            suggestion=suggestion,
            lead_unit=new,
            add_co_units=[extra],
            withdraw_co_units=[co],
            restart_deadline=True,
            reason="职责调整",
            expected_version=suggestion.version,
        )
        suggestion.refresh_from_db()
        assert (suggestion.assigned_on, suggestion.due_on) == (date(2026, 4, 1), date(2026, 7, 1))
        states = dict(suggestion.assignments.values_list("unit_id", "status"))
        assert states == {
            old.pk: "withdrawn",
            co.pk: "withdrawn",
            new.pk: "active",
            extra.pk: "active",
        }
        assert suggestion.assignments.get(unit=extra).opinion_due_on == date(2026, 5, 6)


def test_a_co_unit_can_become_the_lead(tenant_a):
    old, co = make_units(tenant_a, 2)
    suggestion = assign(tenant_a, accepted(tenant_a), old, [co])
    with tenant_a.scope():
        services.suggestion_reassign(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            suggestion=suggestion,
            lead_unit=co,
            reason="协办单位更适合主办",
        )
        active = suggestion.assignments.filter(status=AssignmentStatus.ACTIVE)
        assert list(active.values_list("unit_id", "role")) == [(co.pk, AssignmentRole.LEAD)]


def test_reassign_refuses_nonsense(tenant_a):
    lead, co, other = make_units(tenant_a, 3)
    suggestion = assign(tenant_a, accepted(tenant_a), lead, [co])
    actor = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope():
        for kwargs, field in [
            ({"reason": "无"}, None),
            ({"reason": "", "lead_unit": other}, "reason"),
            ({"reason": "重复", "add_co_units": [co]}, "add_co_units"),
            ({"reason": "主办", "add_co_units": [lead]}, "add_co_units"),
            ({"reason": "不是协办", "withdraw_co_units": [other]}, "withdraw_co_units"),
        ]:
            with pytest.raises(DomainError) as refused:
                services.suggestion_reassign(actor=actor, suggestion=suggestion, **kwargs)
            assert refused.value.field == field, kwargs
        assert not suggestion.events.filter(action="reassign").exists()


def test_only_staff_may_assign_even_through_the_service(tenant_a):
    (lead,) = make_units(tenant_a, 1)
    suggestion = accepted(tenant_a)
    with tenant_a.scope(), pytest.raises(DomainError) as refused:
        services.suggestion_assign(
            actor=tenant_a.user(Role.LEADER), suggestion=suggestion, lead_unit=lead
        )
    assert refused.value.code == "forbidden"


# --- The pages ------------------------------------------------------------------------------


@time_machine.travel("2026-07-01 09:00 +0800", tick=False)
def test_the_assign_page_shows_the_computed_due_date_and_assigns(tenant_a, staff):
    lead, co = make_units(tenant_a, 2)
    with scopes_disabled():  # test setup
        HandlingUnitFactory(congress=tenant_a.congress, name="已撤销的局", is_active=False)
    suggestion = accepted(tenant_a)
    response = staff.get(page(tenant_a, suggestion, "assign"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2026年10月8日" in body  # 1 Oct is National Day
    assert "主办单位" in body and lead.name in body and co.name in body
    assert "已撤销的局" not in body
    assert f'name="version" value="{suggestion.version}"' in body
    response = staff.post(
        page(tenant_a, suggestion, "assign"),
        {"lead_unit": lead.pk, "co_units": [co.pk], "version": suggestion.version},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/c/{tenant_a.congress.slug}/suggestions/{suggestion.pk}/"
    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.due_on) == ("assigned", date(2026, 10, 8))


def test_the_assign_form_keeps_the_input_on_error(tenant_a, staff):
    lead, co = make_units(tenant_a, 2)
    suggestion = accepted(tenant_a)
    response = staff.post(
        page(tenant_a, suggestion, "assign"),
        {"lead_unit": lead.pk, "co_units": [lead.pk, co.pk], "note": "我的备注", "version": 0},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "不能同时作为协办单位" in body
    assert "我的备注" in body
    assert re.search(rf'value="{co.pk}"[^>]*checked', body)
    response = staff.post(page(tenant_a, suggestion, "assign"), {"note": "无主办"})
    assert response.status_code == 400
    assert "请选择主办单位" in response.content.decode()
    with tenant_a.scope():
        assert Suggestion.objects.get(pk=suggestion.pk).status == "accepted"


def test_a_stale_page_is_refused_with_a_message(tenant_a, staff):
    (lead,) = make_units(tenant_a, 1)
    suggestion = accepted(tenant_a)
    response = staff.post(
        page(tenant_a, suggestion, "assign"),
        {"lead_unit": lead.pk, "version": suggestion.version + 3},
    )
    assert response.status_code == 400
    assert "其他人已修改了这件建议" in response.content.decode()


def test_another_congress_unit_is_not_a_choice(tenant_a, tenant_b, staff):
    (foreign,) = make_units(tenant_b, 1)
    suggestion = accepted(tenant_a)
    response = staff.post(page(tenant_a, suggestion, "assign"), {"lead_unit": foreign.pk})
    assert response.status_code == 400
    response = staff.post(page(tenant_a, suggestion, "assign"), {"lead_unit": "9" * 30})
    assert response.status_code == 400


def test_the_pages_explain_when_the_status_does_not_allow_the_action(tenant_a, staff):
    suggestion = accepted(tenant_a)
    response = staff.get(page(tenant_a, suggestion, "extend"))
    assert response.status_code == 200
    assert 'id="extend-form"' not in response.content.decode()
    response = staff.get(page(tenant_a, suggestion, "reassign"))
    assert response.status_code == 200
    assert 'id="reassign-form"' not in response.content.decode()


def test_the_reassign_and_extend_pages(tenant_a, staff):
    lead, co, new = make_units(tenant_a, 3)
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False):
        suggestion = assign(tenant_a, accepted(tenant_a), lead, [co])
    with time_machine.travel("2026-03-05 09:00 +0800", tick=False):
        response = staff.get(page(tenant_a, suggestion, "reassign"))
        assert response.status_code == 200
        assert lead.name in response.content.decode()
        response = staff.post(
            page(tenant_a, suggestion, "reassign"),
            {"withdraw_co_units": [co.pk], "version": suggestion.version},
        )
        assert response.status_code == 400
        assert "请说明重新交办的理由" in response.content.decode()
        response = staff.post(
            page(tenant_a, suggestion, "reassign"),
            {"lead_unit": new.pk, "reason": "改交新单位", "version": suggestion.version},
        )
        assert response.status_code == 302
        with tenant_a.scope():
            suggestion.refresh_from_db()
        response = staff.post(
            page(tenant_a, suggestion, "extend"),
            {
                "due_on": "2026-12-01",
                "reason": "需要立项",
                "approved_by": "李主任",
                "version": suggestion.version,
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "2026年9月2日" in body and "李主任" in body and "需要立项" in body
        response = staff.post(
            page(tenant_a, suggestion, "extend"),
            {
                "due_on": "2026-08-03",
                "reason": "需要立项",
                "approved_by": "李主任",
                "version": suggestion.version,
            },
        )
        assert response.status_code == 302
    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.due_on == date(2026, 8, 3)
        assert suggestion.assignments.get(status="active", role="lead").unit == new


@pytest.mark.parametrize("action", ["assign", "reassign", "extend"])
@pytest.mark.parametrize("role", [Role.LEADER, Role.DEPUTY, Role.UNIT_LIAISON])
def test_other_roles_are_refused(tenant_a, client_as, role, action):
    (lead,) = make_units(tenant_a, 1)
    suggestion = accepted(tenant_a)
    client = client_as(tenant_a.user(role))
    assert client.get(page(tenant_a, suggestion, action)).status_code == 403
    assert (
        client.post(page(tenant_a, suggestion, action), {"lead_unit": lead.pk}).status_code == 403
    )
    assert client.post(api(tenant_a, suggestion, action), {}).status_code == 403
    with tenant_a.scope():
        assert Suggestion.objects.get(pk=suggestion.pk).status == "accepted"


def test_a_foreign_suggestion_is_404(tenant_a, tenant_b, client_as):
    suggestion = accepted(tenant_b)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    for action in ("assign", "reassign", "extend"):
        assert client.get(page(tenant_a, suggestion, action)).status_code == 404
        assert client.post(api(tenant_a, suggestion, action), {}).status_code == 404
        assert client.get(api(tenant_a, suggestion, action)).status_code == 404


# --- The API --------------------------------------------------------------------------------


@time_machine.travel("2026-07-01 09:00 +0800", tick=False)
def test_the_api_assigns_reassigns_and_extends(tenant_a, staff):
    lead, co, new = make_units(tenant_a, 3)
    suggestion = accepted(tenant_a)
    response = staff.post(
        api(tenant_a, suggestion, "assign"),
        {"lead_unit": lead.pk, "co_units": [co.pk], "version": suggestion.version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["due_on"], body["assigned_on"]) == (
        "assigned",
        "2026-10-08",
        "2026-07-01",
    )
    assert {(row["unit"]["id"], row["role"]) for row in body["assignments"]} == {
        (lead.pk, "lead"),
        (co.pk, "co"),
    }
    version = body["version"]
    again = staff.post(
        api(tenant_a, suggestion, "assign"),
        {"lead_unit": lead.pk, "version": version},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json()["code"] == "status"
    stale = staff.post(
        api(tenant_a, suggestion, "reassign"),
        {"lead_unit": new.pk, "reason": "改交", "version": version - 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    response = staff.post(
        api(tenant_a, suggestion, "reassign"),
        {"lead_unit": new.pk, "withdraw_co_units": [co.pk], "reason": "改交", "version": version},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    active = [row for row in response.json()["assignments"] if row["status"] == "active"]
    assert [row["unit"]["id"] for row in active] == [new.pk]
    response = staff.post(
        api(tenant_a, suggestion, "extend"),
        {"due_on": "2027-06-01", "reason": "复杂", "approved_by": "王主任"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "due_on"
    response = staff.post(
        api(tenant_a, suggestion, "extend"),
        {"due_on": "2026-12-01", "reason": "复杂", "approved_by": "王主任"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["due_on"] == "2026-12-01"
    assert response.json()["extensions"][0]["approved_by"] == "王主任"


def test_the_api_refuses_units_it_does_not_know(tenant_a, tenant_b, staff):
    (foreign,) = make_units(tenant_b, 1)
    suggestion = accepted(tenant_a)
    response = staff.post(
        api(tenant_a, suggestion, "assign"),
        {"lead_unit": foreign.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "lead_unit" in response.json()
    response = staff.post(
        api(tenant_a, suggestion, "assign"), {"lead_unit": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    with tenant_a.scope():
        assert not SuggestionEvent.objects.filter(suggestion=suggestion).exists()
