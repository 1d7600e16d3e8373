"""The handling units' API: list, detail, and the actions with their JSON refusals."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions.models import AssignmentStatus, ContactLog, SuggestionReply
from tests.factories import HandlingUnitFactory
from tests.suggestions.test_unit_work import (
    IN_TIME,
    fresh,
    handling,  # noqa: F401 (a fixture)
    make_liaison,
    pdf,
)


def api(tenant, name: str, suggestion=None) -> str:
    kwargs = {"congress_slug": tenant.congress.slug}
    if suggestion is not None:
        kwargs["suggestion_id"] = suggestion.pk
    return reverse(f"unit_work_api:{name}", kwargs=kwargs)


@time_machine.travel(IN_TIME, tick=False)
def test_the_list_and_detail(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    response = client.get(api(tenant_a, "list"))
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == handling.suggestion.pk
    assert row["our_role"] == "lead"
    assert row["lead_deputy"] == "周玉兰"
    assert row["due_on"] == "2026-06-02"
    assert row["days_left"] == 89
    assert row["version"] == handling.suggestion.version
    assert client.get(api(tenant_a, "list") + "?show=replied").json()["results"] == []

    co_row = client_as(handling.co_liaison).get(api(tenant_a, "list")).json()["results"][0]
    assert (co_row["our_role"], co_row["opinion_due_on"]) == ("co", "2026-04-02")

    detail = client.get(api(tenant_a, "detail", handling.suggestion)).json()
    assert detail["can_reply"] is True
    assert [a["unit"] for a in detail["our_assignments"]] == ["区住房和城乡建设局"]
    assert [a["unit"] for a in detail["other_assignments"]] == ["区交通运输局"]
    assert detail["our_assignments"][0]["return_by"] == "2026-03-11"


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.LEADER, Role.COMMITTEE_STAFF])
def test_other_roles_are_refused(tenant_a, handling, client_as, role):  # noqa: F811
    client = client_as(tenant_a.user(role))
    assert client.get(api(tenant_a, "list")).status_code == 403
    assert client.get(api(tenant_a, "detail", handling.suggestion)).status_code == 403
    assert client.post(api(tenant_a, "contact", handling.suggestion), {}).status_code == 403


def test_another_units_liaison_gets_404(tenant_a, handling, client_as):  # noqa: F811
    with scopes_disabled():  # test setup
        stranger = make_liaison(tenant_a, HandlingUnitFactory(congress=tenant_a.congress))
    client = client_as(stranger)
    assert client.get(api(tenant_a, "detail", handling.suggestion)).status_code == 404
    assert client.get(api(tenant_a, "reply", handling.suggestion)).status_code == 404
    response = client.post(
        api(tenant_a, "contact", handling.suggestion),
        {"stage": "before", "method": "phone", "contacted_on": "2026-03-04", "text": "电话"},
    )
    assert response.status_code == 404


@time_machine.travel(IN_TIME, tick=False)
def test_logging_a_contact(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    response = client.post(
        api(tenant_a, "contact", handling.suggestion),
        {"stage": "before", "method": "phone", "contacted_on": "2026-03-04", "text": "电话沟通"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["unit"] == "区住房和城乡建设局"
    future = client.post(
        api(tenant_a, "contact", handling.suggestion),
        {"stage": "before", "method": "phone", "contacted_on": "2026-03-09", "text": "电话"},
        content_type="application/json",
    )
    assert future.status_code == 400
    assert future.json()["field"] == "contacted_on"
    with tenant_a.scope():
        assert ContactLog.objects.count() == 1


@time_machine.travel("2026-05-20 10:00 +0800", tick=False)
def test_replying_with_a_letter(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    response = client.post(
        api(tenant_a, "reply", handling.suggestion),
        {
            "version": handling.suggestion.version,
            "reply_class": "A",
            "text": "道路已维修完毕。",
            "letter": pdf(),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "replied"
    assert body["can_reply"] is False
    [reply] = body["replies"]
    assert (reply["reply_class"], reply["replied_on"], reply["on_time"]) == (
        "A",
        "2026-05-20",
        True,
    )
    assert client.get(reply["letter_url"]).status_code == 200
    replied = client.get(api(tenant_a, "list") + "?show=replied").json()["results"]
    assert [row["id"] for row in replied] == [handling.suggestion.pk]


def test_reply_refusals(tenant_a, handling, client_as):  # noqa: F811
    lead, co = client_as(handling.liaison), client_as(handling.co_liaison)
    address = api(tenant_a, "reply", handling.suggestion)
    by_co = co.post(address, {"reply_class": "A", "text": "已解决", "letter": pdf()})
    assert by_co.status_code == 403
    assert by_co.json()["code"] == "forbidden"
    unknown = lead.post(address, {"reply_class": "Z", "text": "已解决", "letter": pdf()})
    assert unknown.status_code == 400
    assert unknown.json()["field"] == "reply_class"
    stale = lead.post(
        address,
        {
            "version": handling.suggestion.version + 1,
            "reply_class": "A",
            "text": "已解决",
            "letter": pdf(),
        },
    )
    assert stale.status_code == 409
    no_letter = lead.post(address, {"reply_class": "A", "text": "已解决"})
    assert no_letter.status_code == 400
    assert "letter" in no_letter.json()
    with tenant_a.scope():
        assert not SuggestionReply.objects.exists()
        assert fresh(handling.suggestion).status == "assigned"


@time_machine.travel(IN_TIME, tick=False)
def test_returning_and_the_co_opinion(tenant_a, handling, client_as):  # noqa: F811
    co = client_as(handling.co_liaison)
    opinion = co.post(
        api(tenant_a, "opinion", handling.suggestion),
        {"opinion": "建议增设公交站台。"},
        content_type="application/json",
    )
    assert opinion.status_code == 200
    assert opinion.json()["our_assignments"][0]["opinion"] == "建议增设公交站台。"
    refused = client_as(handling.liaison).post(
        api(tenant_a, "opinion", handling.suggestion),
        {"opinion": "意见"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    returned = co.post(
        api(tenant_a, "return", handling.suggestion),
        {"reason": "与本单位职责无关", "assignment": handling.co.pk},
        content_type="application/json",
    )
    assert returned.status_code == 204
    with tenant_a.scope():
        handling.co.refresh_from_db()
        assert handling.co.status == AssignmentStatus.RETURNED
    assert co.get(api(tenant_a, "detail", handling.suggestion)).status_code == 404


@time_machine.travel("2026-03-12 09:00 +0800", tick=False)
def test_returning_too_late(tenant_a, handling, client_as):  # noqa: F811
    response = client_as(handling.liaison).post(
        api(tenant_a, "return", handling.suggestion),
        {"reason": "不属于本单位"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "2026-03-11" in response.json()["detail"]


def test_the_follow_up_list_and_reporting_solved(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    with time_machine.travel("2026-05-20 10:00 +0800", tick=False):
        client.post(
            api(tenant_a, "reply", handling.suggestion),
            {"reply_class": "B", "text": "列入年度计划。", "letter": pdf()},
        )
    with time_machine.travel("2026-09-01 10:00 +0800", tick=False):
        # Signed in afresh: months later, the earlier session has timed out.
        client = client_as(handling.liaison)
        [row] = client.get(api(tenant_a, "follow_up")).json()["results"]
        assert row["suggestion_id"] == handling.suggestion.pk
        response = client.post(
            api(tenant_a, "solved", handling.suggestion),
            {"version": row["version"], "solved_on": "2026-08-30", "note": "已完工"},
            content_type="application/json",
        )
        assert response.status_code == 200
        assert response.json()["replies"][0]["solved_on"] == "2026-08-30"
        assert client.get(api(tenant_a, "follow_up")).json()["results"] == []


def test_another_congresss_liaison_gets_404_at_their_own_address(
    tenant_a,
    tenant_b,
    handling,  # noqa: F811
    client_as,
):
    client = client_as(tenant_b.user(Role.UNIT_LIAISON))
    for name in ("detail", "return", "opinion", "contact", "reply", "solved"):
        assert client.get(api(tenant_b, name, handling.suggestion)).status_code == 404
