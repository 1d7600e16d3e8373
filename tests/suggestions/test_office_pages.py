"""The committee staff's suggestion pages: the supervision list (order, filters, fixed queries),
the full record, and the action forms (who sees them, what they do, how they refuse)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions.models import (
    ContactLog,
    Suggestion,
    SuggestionAttachment,
    SuggestionCosigner,
    SuggestionEvent,
    SuggestionExtension,
    SuggestionFeedback,
    SuggestionReply,
    SupervisionEntry,
)
from tests.factories import (
    CongressSessionFactory,
    DeputyFactory,
    HandlingUnitFactory,
    SuggestionAssignmentFactory,
    SuggestionCategoryFactory,
    SuggestionFactory,
)

TODAY = date(2026, 11, 20)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        yield


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/suggestions/{suffix}"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


def make(tenant, **fields) -> Suggestion:
    with scopes_disabled():  # test setup
        return SuggestionFactory(congress=tenant.congress, **fields)


def handling(tenant, number, due_on, unit=None, **fields) -> Suggestion:
    suggestion = make(
        tenant,
        status="assigned",
        series="s-test",
        number=number,
        assigned_on=due_on - timedelta(days=90),
        due_on=due_on,
        **fields,
    )
    with scopes_disabled():  # test setup
        SuggestionAssignmentFactory(
            congress=tenant.congress,
            suggestion=suggestion,
            unit=unit or HandlingUnitFactory(congress=tenant.congress),
        )
    return suggestion


def listed(response) -> list[int]:
    return [row.pk for row in response.context["page"].object_list]


# The list ------------------------------------------------------------------------------------


def test_supervision_order_overdue_then_due_soon_then_the_rest_newest_first(tenant_a, staff):
    later = handling(tenant_a, 1, TODAY + timedelta(days=60))
    soon = handling(tenant_a, 2, TODAY + timedelta(days=3))
    overdue = handling(tenant_a, 3, TODAY - timedelta(days=5))
    older_overdue = handling(tenant_a, 4, TODAY - timedelta(days=20))
    closed_old = make(tenant_a, status="closed", series="s-test", number=5)
    new_submitted = make(tenant_a)
    with scopes_disabled():  # test setup: the submitted one is the newest
        Suggestion.objects.filter(pk=closed_old.pk).update(
            created_at=closed_old.created_at - timedelta(days=30)
        )
    response = staff.get(url(tenant_a))
    assert response.status_code == 200
    assert listed(response) == [
        older_overdue.pk,
        overdue.pk,
        soon.pk,
        later.pk,
        new_submitted.pk,
        closed_old.pk,
    ]
    body = response.content.decode()
    assert "已逾期 20 天" in body and "还剩 3 天" in body
    assert response.context["counts"]["overdue"] == 2
    assert response.context["counts"]["waiting"] == 1


def test_each_row_shows_number_deputy_category_unit_and_key_mark(tenant_a, staff):
    with scopes_disabled():  # test setup
        unit = HandlingUnitFactory(congress=tenant_a.congress, name="襄城区住建局")
        deputy = DeputyFactory(congress=tenant_a.congress, name="王建国")
    handling(tenant_a, 12, TODAY + timedelta(days=40), unit=unit, lead_deputy=deputy, is_key=True)
    response = staff.get(url(tenant_a))
    body = response.content.decode()
    assert "12" in body.split("key-mark")[0].rsplit("<tr", 1)[-1]
    assert "王建国" in body and "襄城区住建局" in body
    assert 'class="key-mark"' in body


def test_the_list_runs_a_fixed_number_of_queries_whatever_its_length(tenant_a, staff):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(url(tenant_a))
        assert response.status_code == 200
        return len(queries)

    staff.get(url(tenant_a))  # the first request of a session does one-off work
    handling(tenant_a, 1, TODAY + timedelta(days=5))
    make(tenant_a)
    small = count_queries()
    for number in range(2, 40):
        handling(tenant_a, number, TODAY + timedelta(days=number - 10), is_key=number % 3 == 0)
        make(tenant_a, session=CongressSessionFactory(congress=tenant_a.congress))
    assert count_queries() == small


def test_the_list_counts_without_joins_when_nothing_is_searched(tenant_a, staff):
    handling(tenant_a, 1, TODAY + timedelta(days=5))
    with CaptureQueriesContext(connection) as queries:
        staff.get(url(tenant_a))
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    page_count = [sql for sql in counts if "suggestions_suggestion" in sql and "JOIN" not in sql]
    assert page_count, counts


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_page_of_the_list_is_read_from_the_supervision_index(tenant_a):
    # A congress's list would otherwise sort every suggestion it ever had for each page. The
    # test table is small enough to sort, so sorting and scanning are priced out: the index
    # serves the order only if it is built on the very expressions the list orders by.
    from suggestions.office_selectors import SuggestionFilters, suggestion_list

    membership = tenant_a.members[Role.COMMITTEE_STAFF]
    with tenant_a.scope():
        page = suggestion_list(membership=membership, filters=SuggestionFilters(), today=TODAY)
        sql, params = page[50:100].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan using suggestion_supervision_idx" in plan, plan
    assert "Sort" not in plan, plan


def test_the_counts_leave_closed_suggestions_out_and_still_count_the_rest(tenant_a, staff):
    handling(tenant_a, 1, TODAY - timedelta(days=3), is_key=True)
    handling(tenant_a, 2, TODAY + timedelta(days=5))
    make(tenant_a, status="closed", series="s-test", number=3, is_key=True)
    make(tenant_a, status="withdrawn", is_key=True)
    make(tenant_a)
    response = staff.get(url(tenant_a))
    counts = response.context["counts"]
    assert (counts["handling"], counts["overdue"], counts["due_soon"]) == (2, 1, 1)
    assert (counts["waiting"], counts["key"]) == (1, 2)


@pytest.fixture
def varied(tenant_a):
    """One suggestion per filter, so each filter picks exactly one."""
    with scopes_disabled():  # test setup
        session = CongressSessionFactory(congress=tenant_a.congress, name="十七届人大四次会议")
        category = SuggestionCategoryFactory(congress=tenant_a.congress, name="教育科技专项")
        unit = HandlingUnitFactory(congress=tenant_a.congress, name="襄城区教育局")
        # A surname the factories' random names never use: no other deputy matches the search.
        deputy = DeputyFactory(congress=tenant_a.congress, name="巫马明月")
    return {
        "session": session,
        "category": category,
        "unit": unit,
        "titled": make(tenant_a, title="关于增设校车线路的建议"),
        "by_deputy": make(tenant_a, lead_deputy=deputy),
        "numbered": make(tenant_a, status="accepted", series="s-x", number=321, session=session),
        "motion": make(tenant_a, kind="motion"),
        "categorised": make(tenant_a, category=category),
        "unit_led": handling(tenant_a, 1, TODAY + timedelta(days=80), unit=unit),
        "key": make(tenant_a, status="accepted", series="s-y", number=2, is_key=True),
        "overdue": handling(tenant_a, 3, TODAY - timedelta(days=1)),
        "due_soon": handling(tenant_a, 4, TODAY + timedelta(days=6)),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=校车", "titled"),
        ("q=巫马", "by_deputy"),
        ("q=321", "numbered"),
        ("q=第321号", "numbered"),
        ("kind=motion", "motion"),
        ("overdue=on", "overdue"),
        ("due_within=7", "due_soon"),
        ("key=on", "key"),
    ],
)
def test_filters_pick_what_they_say(tenant_a, staff, varied, query, expected):
    response = staff.get(url(tenant_a, f"?{query}"))
    assert response.status_code == 200
    assert listed(response) == [varied[expected].pk]


def test_filters_by_session_recess_category_unit_and_status(tenant_a, staff, varied):
    session, category, unit = varied["session"], varied["category"], varied["unit"]
    assert listed(staff.get(url(tenant_a, f"?session={session.pk}"))) == [varied["numbered"].pk]
    recess = listed(staff.get(url(tenant_a, "?session=recess")))
    assert varied["numbered"].pk not in recess and len(recess) == len(varied) - 4
    assert listed(staff.get(url(tenant_a, f"?category={category.pk}"))) == [
        varied["categorised"].pk
    ]
    assert listed(staff.get(url(tenant_a, f"?unit={unit.pk}"))) == [varied["unit_led"].pk]
    accepted = listed(staff.get(url(tenant_a, "?status=accepted")))
    assert sorted(accepted) == sorted([varied["numbered"].pk, varied["key"].pk])


def test_bad_filter_values_are_dropped_not_an_error(tenant_a, staff, varied):
    response = staff.get(url(tenant_a, "?status=nonsense&category=abc&unit=99999999999999999999"))
    assert response.status_code == 200
    assert len(listed(response)) == len(varied) - 3


def test_htmx_refresh_returns_only_the_table(tenant_a, staff, varied):
    response = staff.get(
        url(tenant_a, "?q=校车"), headers={"HX-Request": "true", "HX-Target": "suggestion-table"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="suggestion-table">')
    assert "关于增设校车线路的建议" in body and "<html" not in body


def test_deputies_and_unit_liaisons_do_not_get_the_staff_list(tenant_a, client_as):
    suggestion = make(tenant_a)
    for role in (Role.DEPUTY, Role.UNIT_LIAISON, Role.STATION_STAFF):
        client = client_as(tenant_a.user(role))
        assert client.get(url(tenant_a)).status_code == 403
        assert client.get(url(tenant_a, f"{suggestion.pk}/")).status_code == 403


# The record ----------------------------------------------------------------------------------


def full_record(tenant, extra: int = 1, number: int = 9) -> Suggestion:
    """A re-handled suggestion with `extra` of every kind of record."""
    congress = tenant.congress
    suggestion = make(
        tenant,
        status="replied",
        series="s-test",
        number=number,
        round=2,
        assigned_on=date(2026, 6, 1),
        due_on=date(2026, 10, 30),
        first_due_on=date(2026, 9, 1),
        replied_on=date(2026, 10, 25),
        reply_class="A",
        joint_supervision=True,
    )
    staff_user = tenant.user(Role.COMMITTEE_STAFF)
    with scopes_disabled():  # test setup
        unit = HandlingUnitFactory(congress=congress, name=f"襄城区交通运输局{number}")
        SuggestionAssignmentFactory(congress=congress, suggestion=suggestion, unit=unit)
        for index in range(extra):
            co_unit = HandlingUnitFactory(congress=congress)
            SuggestionAssignmentFactory(
                congress=congress, suggestion=suggestion, unit=co_unit, role="co"
            )
            cosigner = DeputyFactory(congress=congress)
            SuggestionCosigner.objects.create(
                congress=congress, suggestion=suggestion, deputy=cosigner, status="confirmed"
            )
            SuggestionAttachment.objects.create(
                congress=congress,
                suggestion=suggestion,
                file=ContentFile(b"%PDF-1.4", name=f"a{index}.pdf"),
                name=f"调研报告{index}.pdf",
            )
            SuggestionExtension.objects.create(
                congress=congress,
                suggestion=suggestion,
                from_due_on=date(2026, 9, 1),
                to_due_on=date(2026, 10, 1),
                reason="涉及多部门",
                approved_by="李主任",
                recorded_by=staff_user,
            )
            ContactLog.objects.create(
                congress=congress,
                suggestion=suggestion,
                unit=unit,
                stage="before",
                method="phone",
                contacted_on=date(2026, 6, 5),
                text="电话沟通办理思路",
                recorded_by=staff_user,
            )
            SuggestionFeedback.objects.create(
                congress=congress, suggestion=suggestion, round=1, deputy=cosigner
            )
            SupervisionEntry.objects.create(
                congress=congress,
                suggestion=suggestion,
                kind="visit",
                date=date(2026, 7, 1),
                text="实地督办施工现场",
                recorded_by=staff_user,
            )
            SuggestionEvent.objects.create(
                congress=congress,
                suggestion=suggestion,
                action="reopen",
                from_status="replied",
                to_status="rehandling",
                actor=staff_user,
                note="代表不满意：路面仍未修复",
            )
        for round_number in (1, 2):
            SuggestionReply.objects.create(
                congress=congress,
                suggestion=suggestion,
                round=round_number,
                unit=unit,
                reply_class="B" if round_number == 1 else "A",
                text="已列入年度计划" if round_number == 1 else "已修复完成",
                replied_on=date(2026, 8, 20) if round_number == 1 else date(2026, 10, 25),
                due_on=date(2026, 9, 1) if round_number == 1 else date(2026, 10, 30),
                letter=ContentFile(b"%PDF-1.4", name="letter.pdf"),
                letter_name=f"答复函{round_number}.pdf",
            )
        SuggestionFeedback.objects.create(
            congress=congress,
            suggestion=suggestion,
            round=1,
            deputy=suggestion.lead_deputy,
            is_lead=True,
            rating="unsatisfied",
            reason="路面仍未修复",
        )
    return suggestion


def test_the_record_shows_everything_with_the_timeline(tenant_a, staff):
    suggestion = full_record(tenant_a)
    response = staff.get(url(tenant_a, f"{suggestion.pk}/"))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        suggestion.title,
        suggestion.lead_deputy.name,
        "调研报告0.pdf",
        "襄城区交通运输局",
        "涉及多部门",
        "李主任",
        "电话沟通办理思路",
        "已列入年度计划",
        "已修复完成",
        "答复函2.pdf",
        "路面仍未修复",
        "实地督办施工现场",
        "代表不满意：路面仍未修复",
        "联合督办",
    ):
        assert text in body, text
    assert f"/suggestions/{suggestion.pk}/files/" in body
    assert f"/suggestions/{suggestion.pk}/letters/" in body
    # The timeline says who, from which status to which.
    assert (
        tenant_a.user(Role.COMMITTEE_STAFF).get_full_name() in body
        or str(tenant_a.user(Role.COMMITTEE_STAFF)) in body
    )


def test_the_record_runs_a_fixed_number_of_queries(tenant_a, staff):
    def count_queries(suggestion) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(url(tenant_a, f"{suggestion.pk}/"))
        assert response.status_code == 200
        return len(queries)

    staff.get(url(tenant_a))  # the first request of a session does one-off work
    small, large = full_record(tenant_a, extra=1), full_record(tenant_a, extra=6, number=10)
    assert count_queries(small) == count_queries(large)


def test_action_forms_follow_the_status(tenant_a, staff):
    submitted = make(tenant_a)
    body = staff.get(url(tenant_a, f"{submitted.pk}/")).content.decode()
    assert 'id="accept-form"' in body and 'id="return-form"' in body and 'id="letter-form"' in body
    assert 'id="merge-form"' not in body and 'id="close-form"' not in body
    accepted = make(tenant_a, status="accepted", series="s", number=1)
    body = staff.get(url(tenant_a, f"{accepted.pk}/")).content.decode()
    assert 'id="accept-form"' not in body
    assert 'id="merge-form"' in body and 'id="key-form"' in body
    assert f"/suggestions/{accepted.pk}/assign/" in body
    closed = make(tenant_a, status="closed", series="s", number=2)
    body = staff.get(url(tenant_a, f"{closed.pk}/")).content.decode()
    assert 'id="key-form"' not in body and 'id="supervision-form"' in body


def test_leaders_read_the_list_and_the_record_but_cannot_act(tenant_a, client_as):
    suggestion = make(tenant_a)
    leader = client_as(tenant_a.user(Role.LEADER))
    assert listed(leader.get(url(tenant_a))) == [suggestion.pk]
    response = leader.get(url(tenant_a, f"{suggestion.pk}/"))
    assert response.status_code == 200
    body = response.content.decode()
    assert suggestion.title in body and 'id="accept-form"' not in body
    for action in ("accept", "return", "letter", "merge", "key", "supervision", "close"):
        response = leader.post(url(tenant_a, f"{suggestion.pk}/{action}/"), {"reason": "x"})
        assert response.status_code == 403, action
    suggestion.refresh_from_db()
    assert suggestion.status == "submitted"


# The actions ---------------------------------------------------------------------------------


def test_accept_from_the_page(tenant_a, staff):
    suggestion = make(tenant_a)
    response = staff.post(url(tenant_a, f"{suggestion.pk}/accept/"), {"version": 0})
    assert response.status_code == 302
    assert response["Location"] == url(tenant_a, f"{suggestion.pk}/")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.number) == ("accepted", 1)
    page = staff.get(response["Location"]).content.decode()
    assert "已受理并编号" in page


def test_a_stale_page_is_refused_and_what_was_typed_stays(tenant_a, staff):
    suggestion = make(tenant_a)
    staff.post(url(tenant_a, f"{suggestion.pk}/key/"), {})  # nothing: the form is refused
    with scopes_disabled():  # test setup: someone else changed it meanwhile
        Suggestion.objects.filter(pk=suggestion.pk).update(version=3)
    response = staff.post(
        url(tenant_a, f"{suggestion.pk}/return/"),
        {"version": 0, "reason": "请补充具体路段和照片"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "请补充具体路段和照片" in body
    suggestion.refresh_from_db()
    assert suggestion.status == "submitted"


def test_return_without_a_reason_shows_the_error(tenant_a, staff):
    suggestion = make(tenant_a)
    response = staff.post(url(tenant_a, f"{suggestion.pk}/return/"), {"version": 0, "reason": ""})
    assert response.status_code == 400
    assert "请说明理由" in response.content.decode()
    response = staff.post(
        url(tenant_a, f"{suggestion.pk}/return/"), {"version": 0, "reason": "请补充"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.return_reason) == ("returned", "请补充")


def test_letter_from_the_page(tenant_a, staff):
    suggestion = make(tenant_a)
    response = staff.post(
        url(tenant_a, f"{suggestion.pk}/letter/"), {"version": 0, "reason": "反映情况，供参阅"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "letter"


def test_merge_and_unmerge_from_the_page(tenant_a, staff):
    main = make(tenant_a, status="accepted", series="s", number=1, title="关于修缮老街的建议")
    follower = make(tenant_a, status="accepted", series="s", number=2)
    page = staff.get(url(tenant_a, f"{follower.pk}/")).content.decode()
    assert "关于修缮老街的建议" in page  # offered as a main suggestion
    response = staff.post(url(tenant_a, f"{follower.pk}/merge/"), {"version": 0, "main": main.pk})
    assert response.status_code == 302
    follower.refresh_from_db()
    assert follower.merged_into_id == main.pk
    main_page = staff.get(url(tenant_a, f"{main.pk}/")).content.decode()
    assert 'id="followers"' in main_page and 'id="merge-form"' not in main_page
    response = staff.post(url(tenant_a, f"{follower.pk}/unmerge/"), {"version": 1})
    assert response.status_code == 302
    follower.refresh_from_db()
    assert follower.merged_into_id is None


def test_merge_into_another_congress_suggestion_is_refused(tenant_a, tenant_b, staff):
    follower = make(tenant_a, status="accepted", series="s", number=2)
    foreign = make(tenant_b, status="accepted", series="s", number=1)
    response = staff.post(url(tenant_a, f"{follower.pk}/merge/"), {"main": foreign.pk})
    assert response.status_code == 400
    follower.refresh_from_db()
    assert follower.merged_into_id is None


def test_key_supervision_and_notes_from_the_page(tenant_a, staff):
    suggestion = handling(tenant_a, 1, TODAY + timedelta(days=30))
    response = staff.post(
        url(tenant_a, f"{suggestion.pk}/key/"),
        {"version": 0, "leading_official": "张副区长", "supervisor": ""},
    )
    assert response.status_code == 400
    assert "张副区长" in response.content.decode()
    response = staff.post(
        url(tenant_a, f"{suggestion.pk}/key/"),
        {"version": 0, "leading_official": "张副区长", "supervisor": "王主任"},
    )
    assert response.status_code == 302
    response = staff.post(
        url(tenant_a, f"{suggestion.pk}/supervision/"),
        {"version": 1, "kind": "visit", "date": "2026-11-19", "text": "走访住建局"},
    )
    assert response.status_code == 302
    page = staff.get(url(tenant_a, f"{suggestion.pk}/")).content.decode()
    assert "走访住建局" in page and "王主任" in page
    response = staff.post(url(tenant_a, f"{suggestion.pk}/unkey/"), {"version": 1})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert not suggestion.is_key


def test_close_unrated_says_when_it_becomes_possible(tenant_a, staff, client_as):
    suggestion = make(
        tenant_a,
        status="replied",
        series="s",
        number=1,
        due_on=date(2026, 12, 1),
        replied_on=date(2026, 11, 1),
        reply_class="A",
    )
    page = staff.get(url(tenant_a, f"{suggestion.pk}/")).content.decode()
    assert "2026-12-01" in page
    response = staff.post(url(tenant_a, f"{suggestion.pk}/close/"), {"version": 0})
    assert response.status_code == 400
    assert "2026-12-01" in response.content.decode()
    with time_machine.travel("2026-12-01 10:00 +0800", tick=False):
        # Signed in again: a session does not last eleven days.
        staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
        response = staff.post(url(tenant_a, f"{suggestion.pk}/close/"), {"version": 0})
    assert response.status_code == 302
    assert response["Location"] == url(tenant_a, f"{suggestion.pk}/")
    suggestion.refresh_from_db()
    assert suggestion.status == "closed"


def test_actions_answer_get_with_405_and_foreign_ids_with_404(tenant_a, tenant_b, staff):
    suggestion = make(tenant_a)
    foreign = make(tenant_b)
    assert staff.get(url(tenant_a, f"{suggestion.pk}/accept/")).status_code == 405
    assert staff.post(url(tenant_a, f"{foreign.pk}/accept/")).status_code == 404
    assert staff.get(url(tenant_a, f"{foreign.pk}/")).status_code == 404
