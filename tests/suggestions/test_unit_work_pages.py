"""The handling unit's pages: who may open them, the actions' forms, errors that keep the input,
and a list that runs a fixed number of queries."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions.models import AssignmentStatus, ContactLog, SuggestionReply
from tests.factories import HandlingUnitFactory
from tests.suggestions.test_unit_work import (
    IN_TIME,
    assigned,
    fresh,
    handling,  # noqa: F401 (a fixture)
    make_liaison,
    pdf,
)


def url(tenant, name: str, suggestion=None, **query) -> str:
    kwargs = {"congress_slug": tenant.congress.slug}
    if suggestion is not None:
        kwargs["suggestion_id"] = suggestion.pk
    address = reverse(f"unit_work:{name}", kwargs=kwargs)
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


@pytest.mark.parametrize(
    "role", [Role.DEPUTY, Role.LEADER, Role.COMMITTEE_STAFF, Role.STATION_STAFF]
)
def test_other_roles_are_refused_the_unit_pages(tenant_a, handling, client_as, role):  # noqa: F811
    client = client_as(tenant_a.user(role))
    assert client.get(url(tenant_a, "list")).status_code == 403
    assert client.get(url(tenant_a, "follow_up")).status_code == 403
    assert client.get(url(tenant_a, "detail", handling.suggestion)).status_code == 403
    response = client.post(url(tenant_a, "contact", handling.suggestion), {})
    assert response.status_code == 403


def test_another_units_liaison_gets_404(tenant_a, handling, client_as):  # noqa: F811
    with scopes_disabled():  # test setup
        stranger = make_liaison(tenant_a, HandlingUnitFactory(congress=tenant_a.congress))
    client = client_as(stranger)
    assert client.get(url(tenant_a, "detail", handling.suggestion)).status_code == 404
    response = client.post(
        url(tenant_a, "contact", handling.suggestion),
        {"stage": "before", "method": "phone", "contacted_on": "2026-03-04", "text": "电话"},
    )
    assert response.status_code == 404
    assert handling.suggestion.title not in client.get(url(tenant_a, "list")).content.decode()


@time_machine.travel(IN_TIME, tick=False)
def test_the_list_shows_the_units_items_with_role_and_days_left(tenant_a, handling, client_as):  # noqa: F811
    response = client_as(handling.liaison).get(url(tenant_a, "list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert handling.suggestion.title in page
    assert "周玉兰" in page
    assert "主办单位" in page
    assert "2026-06-02" in page
    assert "等待本单位答复" in page
    co_page = client_as(handling.co_liaison).get(url(tenant_a, "list")).content.decode()
    assert "协办单位" in co_page
    assert "2026-04-02" in co_page  # the co-handling opinion's due date


def test_the_list_fragment_answers_htmx(tenant_a, handling, client_as):  # noqa: F811
    response = client_as(handling.liaison).get(
        url(tenant_a, "list", show="all"),
        headers={"HX-Request": "true", "HX-Target": "unit-work-table"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="unit-work-table">')
    assert handling.suggestion.title in body


def test_the_list_runs_a_fixed_number_of_queries(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(tenant_a, "list", show="all")).status_code == 200
        return len(queries)

    count()  # the first request also refreshes the session
    few = count()
    with scopes_disabled():  # test setup
        for number in range(2, 22):
            assigned(tenant_a, number=number, unit=handling.lead.unit)
    assert count() == few


@time_machine.travel(IN_TIME, tick=False)
def test_the_detail_shows_the_units_forms(tenant_a, handling, client_as):  # noqa: F811
    page = client_as(handling.liaison).get(url(tenant_a, "detail", handling.suggestion))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="reply-form"' in body
    assert 'enctype="multipart/form-data"' in body
    assert "所提问题已经解决或者采纳" in body  # the class's meaning, as the congress set it
    assert 'id="contact-form"' in body
    assert f'id="return-form-{handling.lead.pk}"' in body
    assert "2026-03-11" in body  # the last day to return it
    assert f'name="version" value="{handling.suggestion.version}"' in body
    assert "opinion-form" not in body  # the lead unit gives no co-handling opinion

    co_body = client_as(handling.co_liaison).get(url(tenant_a, "detail", handling.suggestion))
    co_body = co_body.content.decode()
    assert f'id="opinion-form-{handling.co.pk}"' in co_body
    assert 'id="reply-form"' not in co_body


@time_machine.travel(IN_TIME, tick=False)
def test_logging_a_contact(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    response = client.post(
        url(tenant_a, "contact", handling.suggestion),
        {"stage": "before", "method": "phone", "contacted_on": "2026-03-04", "text": "电话沟通"},
    )
    assert response.status_code == 302
    with tenant_a.scope():
        contact = ContactLog.objects.get()
        assert (contact.stage, contact.unit) == ("before", handling.lead.unit)
    page = client.get(response["Location"]).content.decode()
    assert "电话沟通" in page
    assert "联系情况已记录" in page


@time_machine.travel(IN_TIME, tick=False)
def test_a_refused_contact_keeps_the_input(tenant_a, handling, client_as):  # noqa: F811
    response = client_as(handling.liaison).post(
        url(tenant_a, "contact", handling.suggestion),
        {"stage": "during", "method": "visit", "contacted_on": "2026-03-09", "text": "上门走访"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "联系日期不能晚于今天" in body
    assert "上门走访" in body
    assert 'value="2026-03-09"' in body
    with tenant_a.scope():
        assert not ContactLog.objects.exists()


@time_machine.travel("2026-05-20 10:00 +0800", tick=False)
def test_replying_with_a_letter(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    response = client.post(
        url(tenant_a, "reply", handling.suggestion),
        {
            "version": handling.suggestion.version,
            "reply_class": "A",
            "text": "道路已维修完毕。",
            "letter": pdf(),
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        reply = SuggestionReply.objects.get()
        assert fresh(handling.suggestion).status == "replied"
    body = client.get(response["Location"]).content.decode()
    letter = reverse(
        "suggestion_files:reply_letter",
        kwargs={
            "congress_slug": tenant_a.congress.slug,
            "suggestion_id": handling.suggestion.pk,
            "reply_id": reply.pk,
        },
    )
    assert letter in body
    assert 'id="reply-form"' not in body
    assert client.get(letter).status_code == 200
    replied = client.get(url(tenant_a, "list", show="replied")).content.decode()
    assert handling.suggestion.title in replied


def test_a_refused_reply_keeps_the_text(tenant_a, handling, client_as):  # noqa: F811
    response = client_as(handling.liaison).post(
        url(tenant_a, "reply", handling.suggestion),
        {"version": handling.suggestion.version, "reply_class": "A", "text": "已解决，详见函。"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请附上签发的答复函" in body
    assert "已解决，详见函。" in body


def test_a_reply_from_a_stale_page_is_refused(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    response = client.post(
        url(tenant_a, "reply", handling.suggestion),
        {
            "version": handling.suggestion.version + 5,
            "reply_class": "A",
            "text": "已解决",
            "letter": pdf(),
        },
    )
    assert response.status_code == 400
    assert "其他人已修改了这件建议" in response.content.decode()
    with tenant_a.scope():
        assert not SuggestionReply.objects.exists()


def test_a_co_unit_cannot_post_a_reply(tenant_a, handling, client_as):  # noqa: F811
    response = client_as(handling.co_liaison).post(
        url(tenant_a, "reply", handling.suggestion),
        {"reply_class": "A", "text": "已解决", "letter": pdf()},
    )
    assert response.status_code == 400
    assert "只有主办单位答复代表" in response.content.decode()
    with tenant_a.scope():
        assert not SuggestionReply.objects.exists()


@time_machine.travel(IN_TIME, tick=False)
def test_returning_from_the_page(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    response = client.post(
        url(tenant_a, "return", handling.suggestion),
        {
            "version": handling.suggestion.version,
            "assignment": handling.lead.pk,
            "reason": "属于交通部门职责",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(tenant_a, "list")
    with tenant_a.scope():
        handling.lead.refresh_from_db()
        assert handling.lead.status == AssignmentStatus.RETURNED
    assert client.get(url(tenant_a, "detail", handling.suggestion)).status_code == 404


@time_machine.travel("2026-03-12 09:00 +0800", tick=False)
def test_returning_too_late_is_explained_on_the_page(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    assert (
        "return-form"
        not in client.get(url(tenant_a, "detail", handling.suggestion)).content.decode()
    )
    response = client.post(
        url(tenant_a, "return", handling.suggestion),
        {"assignment": handling.lead.pk, "reason": "不属于本单位"},
    )
    assert response.status_code == 400
    assert "2026-03-11" in response.content.decode()
    with tenant_a.scope():
        handling.lead.refresh_from_db()
        assert handling.lead.status == AssignmentStatus.ACTIVE


@time_machine.travel(IN_TIME, tick=False)
def test_a_co_unit_sends_its_opinion(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.co_liaison)
    response = client.post(
        url(tenant_a, "opinion", handling.suggestion),
        {"assignment": handling.co.pk, "opinion": "建议增设公交站台。"},
    )
    assert response.status_code == 302
    with tenant_a.scope():
        handling.co.refresh_from_db()
        assert handling.co.opinion == "建议增设公交站台。"
    lead_page = client_as(handling.liaison).get(url(tenant_a, "detail", handling.suggestion))
    assert "建议增设公交站台。" in lead_page.content.decode()


def test_the_follow_up_page_and_reporting_solved(tenant_a, handling, client_as):  # noqa: F811
    client = client_as(handling.liaison)
    with time_machine.travel("2026-05-20 10:00 +0800", tick=False):
        client.post(
            url(tenant_a, "reply", handling.suggestion),
            {"reply_class": "B", "text": "列入年度计划。", "letter": pdf()},
        )
    with time_machine.travel("2026-09-01 10:00 +0800", tick=False):
        # Signed in afresh: months later, the earlier session has timed out.
        client = client_as(handling.liaison)
        listed = client.get(url(tenant_a, "follow_up")).content.decode()
        assert handling.suggestion.title in listed
        detail = client.get(url(tenant_a, "detail", handling.suggestion)).content.decode()
        assert 'id="solved-form"' in detail
        with tenant_a.scope():
            version = fresh(handling.suggestion).version
        response = client.post(
            url(tenant_a, "solved", handling.suggestion),
            {
                "version": version,
                "solved_on": "2026-08-30",
                "note": "道路改造已完工",
            },
        )
        assert response.status_code == 302
        listed = client.get(url(tenant_a, "follow_up")).content.decode()
        assert handling.suggestion.title not in listed
        with tenant_a.scope():
            assert fresh(handling.suggestion).follow_up_done_on == date(2026, 8, 30)


def test_a_merged_suggestion_offers_no_reply(tenant_a, handling, client_as):  # noqa: F811
    with scopes_disabled():  # test setup
        follower = assigned(
            tenant_a, number=2, merged_into=handling.suggestion, unit=handling.lead.unit
        )
    client = client_as(handling.liaison)
    body = client.get(url(tenant_a, "detail", follower)).content.decode()
    assert 'id="reply-form"' not in body
    main = client.get(url(tenant_a, "detail", handling.suggestion)).content.decode()
    assert follower.title in main
    # The list shows the main suggestion only; the merged one is answered through it.
    listed = client.get(url(tenant_a, "list", show="all")).content.decode()
    assert follower.title not in listed


def test_another_congresss_liaison_gets_404_at_their_own_address(
    tenant_a,
    tenant_b,
    handling,  # noqa: F811
    client_as,
):
    with scopes_disabled():  # test setup
        make_liaison(
            tenant_b,
            HandlingUnitFactory(congress=tenant_b.congress),
            tenant_b.user(Role.UNIT_LIAISON),
        )
    client = client_as(tenant_b.user(Role.UNIT_LIAISON))
    for name in ("detail", "return", "opinion", "contact", "reply", "solved"):
        assert client.get(url(tenant_b, name, handling.suggestion)).status_code == 404
