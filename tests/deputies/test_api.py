"""Roster API: staff read and write; a deputy reads their own profile; errors are clear JSON."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token

from congress.models import Role
from deputies.models import Deputy
from tests.factories import DeputyFactory, GroupMembershipFactory


def client_for(user) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def api(tenant, suffix=""):
    return f"/api/v1/c/{tenant.congress.slug}/deputies/{suffix}"


@pytest.fixture
def zhang(tenant_a):
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress, name="张桂芳", phone="13971000011")
        GroupMembershipFactory(
            group__congress=tenant_a.congress, group__name="古城街道代表小组", deputy=deputy
        )
    return deputy


def test_staff_list_with_filters(zhang, tenant_a):
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_a.congress, name="赵建国", level="city")
    client = client_for(tenant_a.user(Role.COMMITTEE_STAFF))
    data = client.get(api(tenant_a)).json()
    assert data["count"] == 2
    found = client.get(api(tenant_a), {"q": "zgf"}).json()["results"]
    assert [row["name"] for row in found] == ["张桂芳"]
    assert found[0]["groups"][0]["name"] == "古城街道代表小组"
    assert found[0]["level_display"] == "县级人大代表"
    city = client.get(api(tenant_a), {"level": "city"}).json()["results"]
    assert [row["name"] for row in city] == ["赵建国"]
    assert client.get(api(tenant_a), {"level": "emperor"}).status_code == 400


def test_staff_create_and_update(tenant_a):
    client = client_for(tenant_a.user(Role.COMMITTEE_ADMIN))
    payload = {
        "name": "周玉兰",
        "gender": "female",
        "level": "county",
        "term": 17,
        "phone": "13971000099",
    }
    created = client.post(api(tenant_a), data=json.dumps(payload), content_type="application/json")
    assert created.status_code == 201, created.content
    deputy_id = created.json()["id"]
    changed = client.patch(
        api(tenant_a, f"{deputy_id}/"),
        data=json.dumps({"workplace_title": "襄城区第一中学校长"}),
        content_type="application/json",
    )
    assert changed.status_code == 200
    with tenant_a.scope():
        deputy = Deputy.objects.get(pk=deputy_id)
        assert deputy.workplace_title == "襄城区第一中学校长"
        assert Deputy.history.filter(id=deputy_id).count() == 2


def test_a_duplicate_phone_is_a_clear_json_error(zhang, tenant_a):
    client = client_for(tenant_a.user(Role.COMMITTEE_ADMIN))
    payload = {
        "name": "李四",
        "gender": "male",
        "level": "county",
        "term": 17,
        "phone": zhang.phone,
    }
    response = client.post(api(tenant_a), data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "名册中已有代表使用这个手机号。",
        "code": "invalid",
        "field": "phone",
    }


def test_a_leader_reads_but_cannot_write(zhang, tenant_a):
    client = client_for(tenant_a.user(Role.LEADER))
    assert client.get(api(tenant_a, f"{zhang.pk}/")).status_code == 200
    response = client.patch(
        api(tenant_a, f"{zhang.pk}/"),
        data=json.dumps({"name": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_deputy_reads_their_own_profile_only(zhang, tenant_a):
    deputy_user = tenant_a.user(Role.DEPUTY)
    client = client_for(deputy_user)
    assert client.get(api(tenant_a, "me/")).status_code == 404
    with scopes_disabled():  # test setup
        Deputy.objects.filter(pk=zhang.pk).update(user=deputy_user)
    data = client.get(api(tenant_a, "me/")).json()
    assert data["name"] == "张桂芳"
    assert client.get(api(tenant_a)).status_code == 403
    assert client.get(api(tenant_a, f"{zhang.pk}/")).status_code == 403


def test_another_congress_deputy_is_404(zhang, tenant_b):
    client = client_for(tenant_b.user(Role.COMMITTEE_ADMIN))
    assert client.get(api(tenant_b, f"{zhang.pk}/")).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date", "请输入真实的出生日期。"),
        ({"term": 0}, "term", "大于或者等于 1"),
        ({"term": 100}, "term", "小于或者等于 99"),
    ],
)
def test_the_api_enforces_the_same_rules_as_the_form(tenant_a, changes, field, message):
    client = client_for(tenant_a.user(Role.COMMITTEE_ADMIN))
    payload = {"name": "周玉兰", "gender": "female", "level": "county", "term": 17, **changes}
    response = client.post(api(tenant_a), data=json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert message in json.dumps(response.json(), ensure_ascii=False)
    with tenant_a.scope():
        assert not Deputy.objects.filter(name="周玉兰").exists()
