"""The suggestion setup: congress sessions and suggestion categories, in pages and the API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions.models import CongressSession, SuggestionCategory
from tests.factories import CongressSessionFactory, SuggestionFactory


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/suggestions/setup/{suffix}"


def api(tenant, suffix):
    return f"/api/v1/c/{tenant.congress.slug}/{suffix}/"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


def categories(tenant) -> list[tuple[str, int, bool]]:
    with tenant.scope():
        return list(
            SuggestionCategory.objects.order_by("position", "id").values_list(
                "name", "position", "is_active"
            )
        )


def test_the_index_lists_sessions_and_the_default_categories(tenant_a, staff):
    with scopes_disabled():  # test setup
        session = CongressSessionFactory(congress=tenant_a.congress, name="十七届人大四次会议")
        category = SuggestionCategory.objects.get(congress=tenant_a.congress, name="教育科技")
        SuggestionFactory(congress=tenant_a.congress, session=session, category=category)
    response = staff.get(url(tenant_a))
    assert response.status_code == 200
    body = response.content.decode()
    assert "会次和建议类别" in body and "十七届人大四次会议" in body
    assert "城乡建设" in body and "其他" in body
    rows = {item.name: item.suggestion_count for item in response.context["categories"]}
    assert rows["教育科技"] == 1 and rows["城乡建设"] == 0
    assert response.context["sessions"][0].suggestion_count == 1


def test_the_index_takes_the_same_queries_for_few_and_many(tenant_a, staff):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert staff.get(url(tenant_a)).status_code == 200
        return len(queries)

    with scopes_disabled():  # test setup
        CongressSessionFactory(congress=tenant_a.congress)
    count()  # the first visit of a session does a little more (the login record)
    few = count()
    with scopes_disabled():  # test setup
        for _index in range(6):
            session = CongressSessionFactory(congress=tenant_a.congress)
            SuggestionFactory(congress=tenant_a.congress, session=session)
    assert count() == few


def test_staff_add_and_edit_a_session(tenant_a, staff):
    response = staff.post(
        url(tenant_a, "sessions/new/"),
        {
            "name": " 十七届人大五次会议 ",
            "term": 17,
            "number": 5,
            "starts_on": "2027-01-08",
            "ends_on": "2027-01-11",
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        session = CongressSession.objects.get()
        assert (session.name, session.term, session.number) == ("十七届人大五次会议", 17, 5)
        assert session.history.first().history_user == tenant_a.user(Role.COMMITTEE_STAFF)
    response = staff.get(url(tenant_a, f"sessions/{session.pk}/edit/"))
    assert response.status_code == 200
    assert "十七届人大五次会议" in response.content.decode()
    response = staff.post(
        url(tenant_a, f"sessions/{session.pk}/edit/"),
        {"name": "十七届人大五次会议", "starts_on": "2027-01-09", "ends_on": "2027-01-12"},
    )
    assert response.status_code == 302
    with tenant_a.scope():
        session.refresh_from_db()
        assert str(session.starts_on) == "2027-01-09" and session.term is None


def test_a_session_form_keeps_the_input_and_explains(tenant_a, staff):
    with scopes_disabled():  # test setup
        CongressSessionFactory(congress=tenant_a.congress, name="十七届人大四次会议")
    response = staff.post(
        url(tenant_a, "sessions/new/"),
        {"name": "十七届人大四次会议", "starts_on": "2026-01-10", "ends_on": "2026-01-12"},
    )
    assert response.status_code == 400
    assert "已有同名的会次" in response.content.decode()
    response = staff.post(
        url(tenant_a, "sessions/new/"),
        {"name": "临时会议", "starts_on": "2026-03-10", "ends_on": "2026-03-01"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "临时会议" in body and 'value="2026-03-10"' in body
    response = staff.post(url(tenant_a, "sessions/new/"), {"name": "", "starts_on": "昨天"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写会次名称" in body and "请输入日期" in body and "请填写闭幕日期" in body
    with tenant_a.scope():
        assert CongressSession.objects.count() == 1


def test_a_session_of_another_congress_is_404(tenant_a, tenant_b, staff):
    with scopes_disabled():  # test setup
        foreign = CongressSessionFactory(congress=tenant_b.congress)
    assert staff.get(url(tenant_a, f"sessions/{foreign.pk}/edit/")).status_code == 404


def test_staff_add_rename_retire_restore_and_reorder_categories(tenant_a, staff):
    response = staff.post(url(tenant_a, "categories/new/"), {"name": "文化旅游"})
    assert response.status_code == 302
    assert categories(tenant_a)[-1] == ("文化旅游", 11, True)
    response = staff.post(url(tenant_a, "categories/new/"), {"name": "文化旅游"})
    assert response.status_code == 400
    assert "已有同名的类别" in response.content.decode()
    with tenant_a.scope():
        culture = SuggestionCategory.objects.get(name="文化旅游")
        first = SuggestionCategory.objects.get(name="城乡建设")
    response = staff.post(url(tenant_a, f"categories/{culture.pk}/edit/"), {"name": "文化和旅游"})
    assert response.status_code == 302
    response = staff.post(url(tenant_a, f"categories/{culture.pk}/move/"), {"direction": "up"})
    assert response.status_code == 302
    names = [name for name, _position, _active in categories(tenant_a)]
    assert names[-2:] == ["文化和旅游", "其他"]
    staff.post(url(tenant_a, f"categories/{first.pk}/move/"), {"direction": "up"})
    staff.post(url(tenant_a, f"categories/{first.pk}/move/"), {"direction": "down"})
    assert [name for name, *_rest in categories(tenant_a)][:2] == ["交通运输", "城乡建设"]
    assert [position for _name, position, _active in categories(tenant_a)] == list(range(1, 12))
    response = staff.post(url(tenant_a, f"categories/{first.pk}/move/"), {"direction": "left"})
    assert response.status_code == 302
    response = staff.post(url(tenant_a, f"categories/{culture.pk}/retire/"))
    assert response.status_code == 302
    assert ("文化和旅游", 10, False) in categories(tenant_a)
    page = staff.get(url(tenant_a)).content.decode()
    assert "已停用" in page and "重新启用" in page
    staff.post(url(tenant_a, f"categories/{culture.pk}/retire/"), {"restore": "1"})
    assert ("文化和旅游", 10, True) in categories(tenant_a)


def test_the_last_category_in_use_cannot_be_retired(tenant_a, staff):
    with scopes_disabled():  # test setup
        SuggestionCategory.objects.filter(congress=tenant_a.congress).exclude(name="其他").update(
            is_active=False
        )
        last = SuggestionCategory.objects.get(congress=tenant_a.congress, name="其他")
    response = staff.post(url(tenant_a, f"categories/{last.pk}/retire/"), follow=True)
    assert "至少要保留一个在用的类别" in response.content.decode()
    with scopes_disabled():  # test setup
        last.refresh_from_db()
    assert last.is_active


def test_a_category_action_is_post_only_and_foreign_ids_are_404(tenant_a, tenant_b, staff):
    with scopes_disabled():  # test setup
        own = SuggestionCategory.objects.filter(congress=tenant_a.congress).first()
        foreign = SuggestionCategory.objects.filter(congress=tenant_b.congress).first()
    assert staff.get(url(tenant_a, f"categories/{own.pk}/retire/")).status_code == 405
    assert staff.post(url(tenant_a, f"categories/{foreign.pk}/retire/")).status_code == 404
    assert staff.post(url(tenant_a, f"categories/{foreign.pk}/move/")).status_code == 404
    assert staff.get(url(tenant_a, f"categories/{foreign.pk}/edit/")).status_code == 404


@pytest.mark.parametrize("role", [Role.LEADER, Role.DEPUTY, Role.UNIT_LIAISON])
def test_other_roles_cannot_change_the_setup(tenant_a, client_as, role):
    with scopes_disabled():  # test setup
        category = SuggestionCategory.objects.filter(congress=tenant_a.congress).first()
    client = client_as(tenant_a.user(role))
    assert client.get(url(tenant_a)).status_code == 403
    assert client.post(url(tenant_a, "categories/new/"), {"name": "新类别"}).status_code == 403
    assert client.post(url(tenant_a, f"categories/{category.pk}/retire/")).status_code == 403
    response = client.post(
        api(tenant_a, "suggestion-categories"), {"name": "新类别"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert ("新类别", 11, True) not in categories(tenant_a)


def test_the_api_lists_and_creates_sessions_and_categories(tenant_a, staff, client_as):
    response = staff.post(
        api(tenant_a, "suggestion-sessions"),
        {
            "name": "十七届人大四次会议",
            "term": 17,
            "starts_on": "2026-01-10",
            "ends_on": "2026-01-13",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["name"] == "十七届人大四次会议"
    again = staff.post(
        api(tenant_a, "suggestion-sessions"),
        {"name": "十七届人大四次会议", "starts_on": "2026-01-10", "ends_on": "2026-01-13"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json() == {"detail": "已有同名的会次。", "code": "invalid", "field": "name"}
    backwards = staff.post(
        api(tenant_a, "suggestion-sessions"),
        {"name": "临时会议", "starts_on": "2026-03-10", "ends_on": "2026-03-01"},
        content_type="application/json",
    )
    assert backwards.status_code == 400 and backwards.json()["field"] == "ends_on"
    response = staff.post(
        api(tenant_a, "suggestion-categories"),
        {"name": "文化旅游"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["position"] == 11 and response.json()["is_active"] is True
    # A deputy reads them to write a suggestion.
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    listed = deputy.get(api(tenant_a, "suggestion-categories")).json()
    assert [row["name"] for row in listed][-1] == "文化旅游"
    sessions = deputy.get(api(tenant_a, "suggestion-sessions")).json()
    assert [row["name"] for row in sessions] == ["十七届人大四次会议"]
