"""The printable feedback form and full record: who may print, and what the page holds."""

from __future__ import annotations

from datetime import date

import pytest

from congress.models import Role
from suggestions.models import (
    ContactLog,
    SuggestionCosigner,
    SuggestionEvent,
    SuggestionFeedback,
    SuggestionReply,
    UnitLiaison,
)
from tests.factories import (
    CongressSessionFactory,
    DeputyFactory,
    HandlingUnitFactory,
    SuggestionAssignmentFactory,
    SuggestionFactory,
)


@pytest.fixture
def replied(tenant_a):
    """A replied suggestion led by the deputy member, handled by the unit liaison's unit."""
    congress = tenant_a.congress
    with tenant_a.scope():  # test setup
        deputy = DeputyFactory(congress=congress, name="张桂芳", user=tenant_a.user(Role.DEPUTY))
        unit = HandlingUnitFactory(congress=congress, name="区教育局")
        UnitLiaison.objects.create(
            congress=congress, unit=unit, user=tenant_a.user(Role.UNIT_LIAISON)
        )
        session = CongressSessionFactory(congress=congress, name="十七届人大四次会议")
        suggestion = SuggestionFactory(
            congress=congress,
            session=session,
            lead_deputy=deputy,
            title="关于增加城区学位供给的建议",
            status="replied",
            number=12,
            series=f"s{session.pk}-suggestion",
            assigned_on=date(2026, 2, 2),
            due_on=date(2026, 5, 6),
            first_due_on=date(2026, 5, 6),
            first_replied_on=date(2026, 4, 20),
            replied_on=date(2026, 4, 20),
            reply_class="A",
        )
        SuggestionAssignmentFactory(congress=congress, suggestion=suggestion, unit=unit)
        SuggestionCosigner.objects.create(
            congress=congress,
            suggestion=suggestion,
            deputy=DeputyFactory(congress=congress, name="李建国"),
            status="confirmed",
        )
        ContactLog.objects.create(
            congress=congress,
            suggestion=suggestion,
            unit=unit,
            stage="before",
            method="phone",
            contacted_on=date(2026, 2, 10),
            text="电话了解学位缺口情况",
        )
        SuggestionReply.objects.create(
            congress=congress,
            suggestion=suggestion,
            round=1,
            unit=unit,
            reply_class="A",
            text="新建小学一所，增加学位900个。",
            replied_on=date(2026, 4, 20),
            due_on=date(2026, 5, 6),
        )
        SuggestionFeedback.objects.create(
            congress=congress, suggestion=suggestion, round=1, deputy=deputy, is_lead=True
        )
        SuggestionEvent.objects.create(
            congress=congress,
            suggestion=suggestion,
            action="reply",
            from_status="assigned",
            to_status="replied",
            note="答复类别：A",
        )
    return suggestion  # fmt: skip


def _urls(tenant, suggestion) -> list[str]:
    base = f"/c/{tenant.congress.slug}/print/suggestions/{suggestion.pk}"
    return [f"{base}/feedback-form/", f"{base}/record/"]


@pytest.mark.parametrize(
    "role",
    [Role.COMMITTEE_STAFF, Role.COMMITTEE_ADMIN, Role.LEADER, Role.DEPUTY, Role.UNIT_LIAISON],
)
def test_those_who_reach_the_suggestion_can_print_it(role, tenant_a, replied, client_as):
    client = client_as(tenant_a.user(role))
    form_url, record_url = _urls(tenant_a, replied)
    form = client.get(form_url)
    assert form.status_code == 200
    page = form.content.decode()
    for text in (
        "关于增加城区学位供给的建议",
        "张桂芳",
        "区教育局",
        "2026年4月20日",
        "十七届人大四次会议",
    ):
        assert text in page
    assert 'style="' not in page
    record = client.get(record_url)
    if role in (Role.DEPUTY, Role.UNIT_LIAISON):
        # The full record (supervision notes, approvals, every party's ratings) is for staff
        # and leaders; deputies and units print the feedback form.
        assert record.status_code == 403
        return
    assert record.status_code == 200
    page = record.content.decode()
    for text in ("李建国", "电话了解学位缺口情况", "新建小学一所", "答复类别：A", "区教育局"):
        assert text in page


def test_the_feedback_form_is_chinese_with_its_rating_boxes(tenant_a, replied, client_as):
    page = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(_urls(tenant_a, replied)[0])
    text = page.content.decode()
    assert "代表建议办理情况征询意见表" in text
    for label in ("满意", "基本满意", "不满意"):
        assert label in text
    assert "代表签名" in text
    assert "suggestions-print.css" in text


def test_another_deputy_or_unit_gets_404(tenant_a, replied, client_as):
    from tests.factories import MembershipFactory

    with tenant_a.scope():  # test setup
        other_deputy = MembershipFactory(congress=tenant_a.congress, role=Role.DEPUTY).user
        other_unit = MembershipFactory(congress=tenant_a.congress, role=Role.UNIT_LIAISON).user
    for user in (other_deputy, other_unit):
        form_url, record_url = _urls(tenant_a, replied)
        assert client_as(user).get(form_url).status_code == 404
        assert client_as(user).get(record_url).status_code == 403


def test_station_staff_are_refused_and_outsiders_get_404(tenant_a, replied, outsider, client_as):
    for url in _urls(tenant_a, replied):
        assert client_as(tenant_a.user(Role.STATION_STAFF)).get(url).status_code == 403
        assert client_as(outsider).get(url).status_code == 404


def test_a_draft_is_not_printable_by_staff(tenant_a, client_as):
    with tenant_a.scope():  # test setup
        draft = SuggestionFactory(congress=tenant_a.congress, status="draft", submitted_at=None)
    for url in _urls(tenant_a, draft):
        assert client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(url).status_code == 404


def test_the_record_runs_a_fixed_number_of_queries(tenant_a, replied, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    url = _urls(tenant_a, replied)[1]
    client.get(url)  # the first request also loads the session and the member
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    with tenant_a.scope():  # test setup
        for day in range(1, 9):
            SuggestionEvent.objects.create(
                congress=tenant_a.congress,
                suggestion=replied,
                action="contact",
                from_status="replied",
                to_status="replied",
                note=f"回访{day}",
                actor=tenant_a.user(Role.COMMITTEE_STAFF),
            )
            SuggestionCosigner.objects.create(
                congress=tenant_a.congress, suggestion=replied,
                deputy=DeputyFactory(congress=tenant_a.congress), status="confirmed",
            )  # fmt: skip
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
