"""The staff API for suggestions: the list with filters, the full record, and the actions with
their refusals as JSON (403 for a role that may not act, 409 for a stale version, 400 else)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions.models import Suggestion, SuggestionEvent, SupervisionEntry
from tests.factories import (
    CongressSessionFactory,
    HandlingUnitFactory,
    SuggestionAssignmentFactory,
    SuggestionFactory,
)

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        yield


def api(tenant, suffix=""):
    return f"/api/v1/c/{tenant.congress.slug}/suggestions/{suffix}"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


def make(tenant, **fields) -> Suggestion:
    with scopes_disabled():  # test setup
        return SuggestionFactory(congress=tenant.congress, **fields)


def handling(tenant, number, due_on, **fields) -> Suggestion:
    suggestion = make(
        tenant,
        status="assigned",
        series="s-api",
        number=number,
        assigned_on=due_on - timedelta(days=90),
        due_on=due_on,
        **fields,
    )
    with scopes_disabled():  # test setup
        SuggestionAssignmentFactory(
            congress=tenant.congress,
            suggestion=suggestion,
            unit=HandlingUnitFactory(congress=tenant.congress, name=f"第{number}局"),
        )
    return suggestion


def test_the_list_is_ordered_for_supervision_with_deadlines(tenant_a, staff):
    later = handling(tenant_a, 1, TODAY + timedelta(days=40))
    overdue = handling(tenant_a, 2, TODAY - timedelta(days=4))
    submitted = make(tenant_a)
    response = staff.get(api(tenant_a))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [overdue.pk, later.pk, submitted.pk]
    first = rows[0]
    assert first["deadline"] == {
        "due_on": str(TODAY - timedelta(days=4)),
        "days": -4,
        "overdue": True,
        "due_soon": False,
    }
    assert first["lead_unit"]["name"] == "第2局"
    assert first["number"] == 2 and first["status"] == "assigned"
    assert rows[2]["deadline"] is None and rows[2]["lead_unit"] is None


def test_the_list_filters_and_runs_fixed_queries(tenant_a, staff):
    with scopes_disabled():  # test setup
        session = CongressSessionFactory(congress=tenant_a.congress)
    key = handling(tenant_a, 1, TODAY + timedelta(days=10), is_key=True, session=session)
    handling(tenant_a, 2, TODAY - timedelta(days=1))
    make(tenant_a, title="关于增设公交站台的建议")
    assert [row["id"] for row in staff.get(api(tenant_a, "?key=true")).json()["results"]] == [
        key.pk
    ]
    assert [
        row["id"] for row in staff.get(api(tenant_a, f"?session={session.pk}")).json()["results"]
    ] == [key.pk]
    assert len(staff.get(api(tenant_a, "?overdue=on")).json()["results"]) == 1
    assert len(staff.get(api(tenant_a, "?q=公交")).json()["results"]) == 1

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(api(tenant_a)).status_code == 200
        return len(queries)

    small = count_queries()
    for number in range(3, 20):
        handling(tenant_a, number, TODAY + timedelta(days=number))
    assert count_queries() == small


def test_the_record_carries_everything_but_feedback_tokens(tenant_a, staff):
    from suggestions.models import SuggestionFeedback

    suggestion = handling(tenant_a, 5, TODAY + timedelta(days=20), is_key=True)
    with scopes_disabled():  # test setup
        SuggestionFeedback.objects.create(
            congress=tenant_a.congress,
            suggestion=suggestion,
            round=1,
            deputy=suggestion.lead_deputy,
            is_lead=True,
        )
        SupervisionEntry.objects.create(
            congress=tenant_a.congress,
            suggestion=suggestion,
            kind="note",
            date=TODAY,
            text="电话督促",
        )
    response = staff.get(api(tenant_a, f"{suggestion.pk}/"))
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == suggestion.title and data["content"] == suggestion.content
    assert data["assignments"][0]["unit"]["name"] == "第5局"
    assert data["supervision"][0]["text"] == "电话督促"
    assert data["feedback"][0]["is_lead"] is True
    assert "token" not in data["feedback"][0]
    for part in ("cosigners", "attachments", "extensions", "contacts", "replies", "events"):
        assert data[part] == []


def test_accept_through_the_api_numbers_it(tenant_a, staff):
    suggestion = make(tenant_a)
    response = staff.post(
        api(tenant_a, f"{suggestion.pk}/accept/"), {"version": 0}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["number"], body["version"]) == ("accepted", 1, 1)
    assert body["events"][0]["action"] == "accept"


def test_refusals_come_back_as_clear_json(tenant_a, staff, client_as):
    suggestion = make(tenant_a)
    response = staff.post(
        api(tenant_a, f"{suggestion.pk}/accept/"), {"version": 7}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    response = staff.post(
        api(tenant_a, f"{suggestion.pk}/return/"), {"reason": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "reason"
    assert "退回理由" in response.json()["detail"]
    response = staff.post(api(tenant_a, f"{suggestion.pk}/close/"), {})
    assert response.status_code == 400
    assert response.json()["code"] == "status"
    leader = client_as(tenant_a.user(Role.LEADER))
    assert leader.get(api(tenant_a)).status_code == 200
    assert leader.get(api(tenant_a, f"{suggestion.pk}/")).status_code == 200
    assert leader.post(api(tenant_a, f"{suggestion.pk}/accept/"), {}).status_code == 403
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    assert deputy.get(api(tenant_a)).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == "submitted"


def test_merge_key_supervision_and_letter_through_the_api(tenant_a, tenant_b, staff):
    main = make(tenant_a, status="accepted", series="s", number=1)
    follower = make(tenant_a, status="accepted", series="s", number=2)
    foreign = make(tenant_b, status="accepted", series="s", number=1)
    response = staff.post(
        api(tenant_a, f"{follower.pk}/merge/"),
        {"main": foreign.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "main"
    response = staff.post(
        api(tenant_a, f"{follower.pk}/merge/"), {"main": main.pk}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["merged_into"] == main.pk
    response = staff.post(
        api(tenant_a, f"{main.pk}/key/"),
        {"leading_official": "张副区长", "supervisor": "王主任", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["is_key"] is True
    assert [row["id"] for row in response.json()["followers"]] == [follower.pk]
    response = staff.post(
        api(tenant_a, f"{main.pk}/supervision/"),
        {"kind": "visit", "date": "2026-11-19", "text": "现场督办"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["kind"] == "visit"
    response = staff.post(
        api(tenant_a, f"{main.pk}/supervision/"),
        {"kind": "visit", "date": "2026-11-21", "text": "明天"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "date"
    response = staff.post(api(tenant_a, f"{follower.pk}/unmerge/"), {})
    assert response.status_code == 200 and response.json()["merged_into"] is None
    letter = make(tenant_a)
    response = staff.post(
        api(tenant_a, f"{letter.pk}/letter/"), {"reason": "供参阅"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "letter"
    with scopes_disabled():  # reading the outcome across the scope
        assert SuggestionEvent.objects.filter(suggestion=main, action="key").exists()


def test_close_unrated_through_the_api(tenant_a, staff):
    suggestion = make(
        tenant_a,
        status="replied",
        series="s",
        number=1,
        due_on=date(2026, 12, 1),
        replied_on=date(2026, 10, 1),
        reply_class="A",
    )
    response = staff.post(api(tenant_a, f"{suggestion.pk}/close/"), {"note": "多次联系未反馈"})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["events"][-1]["note"] == "多次联系未反馈"


def test_actions_look_up_before_refusing_the_method(tenant_a, tenant_b, staff):
    suggestion = make(tenant_a)
    foreign = make(tenant_b)
    assert staff.get(api(tenant_a, f"{suggestion.pk}/accept/")).status_code == 405
    assert staff.get(api(tenant_a, f"{foreign.pk}/accept/")).status_code == 404
    assert staff.post(api(tenant_a, f"{foreign.pk}/accept/"), {}).status_code == 404
