"""Managing who belongs to a congress and in which role."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from congress import services
from congress.errors import DomainError
from congress.models import Membership, Role, User
from tests.factories import UserFactory


@pytest.fixture
def admin_client(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_ADMIN))


def members_url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/members/{suffix}"


def test_the_member_list_shows_everyone_in_the_congress_only(tenant_a, tenant_b, admin_client):
    response = admin_client.get(members_url(tenant_a))
    body = response.content.decode()
    for membership in tenant_a.members.values():
        assert membership.user.get_full_name() in body
    for membership in tenant_b.members.values():
        assert membership.user.username not in body


def test_search_and_role_filter(tenant_a, admin_client):
    deputy = tenant_a.user(Role.DEPUTY)
    response = admin_client.get(members_url(tenant_a), {"q": deputy.phone})
    assert [m.user for m in response.context["page"].object_list] == [deputy]
    response = admin_client.get(members_url(tenant_a), {"role": Role.LEADER})
    assert [m.role for m in response.context["page"].object_list] == [Role.LEADER]


def test_htmx_search_returns_only_the_table_fragment(tenant_a, admin_client):
    response = admin_client.get(
        members_url(tenant_a),
        {"q": "no-such"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="member-table",
    )
    body = response.content.decode()
    assert body.strip().startswith('<div id="member-table">')
    assert "<html" not in body
    assert "没有符合条件的人员。" in body


def test_member_list_queries_do_not_grow_with_members(tenant_a, admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin_client.get(members_url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        admin_client.get(members_url(tenant_a))
    with scopes_disabled():
        for _n in range(60):
            Membership.objects.create(
                congress=tenant_a.congress, user=UserFactory(), role=Role.DEPUTY
            )
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(members_url(tenant_a), {"page": 2})
    assert len(response.context["page"].object_list) == len(Role.values) + 60 - 50
    assert len(many) == len(few) <= 8


def test_add_a_new_account_as_a_deputy(tenant_a, admin_client):
    response = admin_client.post(
        members_url(tenant_a, "new/"),
        {
            "username": "13971000123",
            "role": Role.DEPUTY,
            "full_name": "周玉兰",
            "phone": "13971000123",
            "password": "Xiangcheng-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="13971000123")
    assert user.full_name == "周玉兰"
    assert user.check_password("Xiangcheng-2026")
    with tenant_a.scope():
        assert Membership.objects.get(user=user).role == Role.DEPUTY


def test_add_an_existing_account_from_another_congress(tenant_a, tenant_b, admin_client):
    person = tenant_b.user(Role.COMMITTEE_STAFF)
    response = admin_client.post(
        members_url(tenant_a, "new/"), {"username": person.username, "role": Role.LEADER}
    )
    assert response.status_code == 302
    with tenant_a.scope():
        assert Membership.objects.get(user=person).role == Role.LEADER
    with tenant_b.scope():
        assert Membership.objects.get(user=person).role == Role.COMMITTEE_STAFF


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"username": "newbie", "role": Role.DEPUTY}, "full_name", "新账号请填写姓名。"),
        (
            {"username": "newbie", "role": Role.DEPUTY, "full_name": "王"},
            "password",
            "新账号请设置初始密码。",
        ),
        (
            {"username": "newbie", "role": Role.DEPUTY, "full_name": "王", "password": "123"},
            "password",
            "密码至少需要 10 个字符。",
        ),
        (
            {
                "username": "newbie",
                "role": Role.DEPUTY,
                "full_name": "王",
                "password": "Good-pass-2026",
                "phone": "12345",
            },
            "phone",
            "请输入11位手机号。",
        ),
        ({"username": "newbie", "role": "king", "full_name": "王"}, "role", "king"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_kept(tenant_a, admin_client, data, field, message):
    response = admin_client.post(members_url(tenant_a, "new/"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert 'value="newbie"' in body  # what was typed comes back
    assert not User.objects.filter(username="newbie").exists()


def test_adding_someone_twice_is_refused(tenant_a, admin_client):
    existing = tenant_a.user(Role.DEPUTY)
    response = admin_client.post(
        members_url(tenant_a, "new/"), {"username": existing.username, "role": Role.LEADER}
    )
    assert response.status_code == 200
    assert "此人已在本常委会中。" in response.content.decode()


def test_change_role_and_deactivate(tenant_a, client_as):
    # Roles and the active flag are the security administrator's (see congress.permissions).
    security_client = client_as(tenant_a.user(Role.SECURITY_ADMIN))
    membership = tenant_a.members[Role.DEPUTY]
    response = security_client.post(
        members_url(tenant_a, f"{membership.pk}/"), {"role": Role.DEPUTY}
    )
    assert response.status_code == 302
    with tenant_a.scope():
        membership.refresh_from_db()
    assert membership.is_active is False
    # The deactivated member is now an outsider.
    assert client_as(membership.user).get(f"/c/{tenant_a.congress.slug}/").status_code == 404


def test_an_admin_cannot_demote_themselves(tenant_a, client_as):
    own = tenant_a.members[Role.SECURITY_ADMIN]
    response = client_as(own.user).post(
        members_url(tenant_a, f"{own.pk}/"), {"role": Role.DEPUTY, "is_active": "on"}
    )
    assert response.status_code == 200
    assert "不能修改自己的角色或停用自己。" in response.content.decode()
    with tenant_a.scope():
        own.refresh_from_db()
    assert own.role == Role.SECURITY_ADMIN


def test_staff_see_members_but_cannot_change_them(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    assert client.get(members_url(tenant_a)).status_code == 200
    target = tenant_a.members[Role.DEPUTY]
    response = client.post(members_url(tenant_a, f"{target.pk}/"), {"role": Role.LEADER})
    assert response.status_code == 403
    with tenant_a.scope():
        target.refresh_from_db()
    assert target.role == Role.DEPUTY


def test_only_the_platform_creates_congresses(tenant_a):
    with pytest.raises(DomainError):
        services.congress_create(
            actor=tenant_a.user(Role.COMMITTEE_ADMIN), name="x", slug="x", level="city"
        )
