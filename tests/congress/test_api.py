"""The API base: token and session sign-in, membership 404s, permissions, errors as clear JSON."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from congress.models import Congress, Role
from tests.factories import TEST_PASSWORD


def api(tenant, path):
    return f"/api/v1/c/{tenant.congress.slug}/{path}"


def token_client(user) -> Client:
    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def test_obtain_a_token_and_use_it(tenant_a, client):
    deputy = tenant_a.user(Role.DEPUTY)
    response = client.post(
        "/api/v1/auth/token/", {"username": deputy.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    key = response.json()["token"]
    me = Client(HTTP_AUTHORIZATION=f"Token {key}").get(api(tenant_a, "me/"))
    assert me.status_code == 200
    data = me.json()
    assert data["user"]["username"] == deputy.username
    assert data["role"] == "deputy"
    assert data["role_display"] == "人大代表"
    assert data["congress"]["slug"] == tenant_a.congress.slug
    assert data["permissions"] == [
        "congress.view_home",
        "congress.view_notifications",
        "deputies.view_own_profile",
        "liaison.claim_projects",
        "liaison.view_messages",
        "liaison.view_projects",
        "liaison.view_receptions",
        "scoring.report_duties",
        "scoring.view_own_points",
        "scoring.view_record_photos",
        "suggestions.view_own_suggestions",
        "suggestions.view_suggestions",
        "suggestions.write_suggestions",
    ]


def test_a_wrong_password_gets_no_token(tenant_a, client):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": tenant_a.user(Role.DEPUTY).username, "password": "nope"},
    )
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_a_locked_account_gets_no_token(tenant_a, client, settings):
    user = tenant_a.user(Role.DEPUTY)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": user.username, "password": "nope"})
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code != 200
    assert not Token.objects.filter(user=user).exists()


def test_a_bad_token_is_401(tenant_a):
    response = Client(HTTP_AUTHORIZATION="Token not-a-real-token").get(api(tenant_a, "me/"))
    assert response.status_code == 401


def test_a_token_of_another_congress_is_404(tenant_a, outsider):
    response = token_client(outsider).get(api(tenant_a, "me/"))
    assert response.status_code == 404


def test_staff_change_settings_with_a_token_and_it_is_audited(tenant_a):
    admin = tenant_a.user(Role.COMMITTEE_ADMIN)
    response = token_client(admin).patch(
        api(tenant_a, "congress/"),
        data=json.dumps({"reply_deadline_months": 2}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["reply_deadline_months"] == 2
    with tenant_a.scope():
        record = Congress.history.latest("history_date")
    assert record.history_user == admin
    assert record.history_changes == {"reply_deadline_months": ["3", "2"]}


def test_a_deputy_cannot_change_settings(tenant_a):
    response = token_client(tenant_a.user(Role.DEPUTY)).patch(
        api(tenant_a, "congress/"),
        data=json.dumps({"reply_deadline_months": 2}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有执行该操作的权限。"
    assert Congress.objects.get(pk=tenant_a.congress.pk).reply_deadline_months == 3


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"reply_deadline_months": 9}, {"reply_deadline_months": ["请确保该值小于或者等于 6。"]}),
        ({"reply_deadline_months": "三"}, {"reply_deadline_months": ["请填写合法的整数值。"]}),
        (
            {"reply_classes": [{"code": "A", "name": "解决"}, {"code": "A", "name": "再一个"}]},
            {"detail": "答复分类代码不能重复。", "code": "invalid", "field": "reply_classes"},
        ),
        (
            {"reply_deadline_months": 5, "reply_deadline_max_months": 4},
            {
                "detail": "最长期限不能短于一般答复期限。",
                "code": "invalid",
                "field": "reply_deadline_max_months",
            },
        ),
    ],
)
def test_bad_settings_get_clear_chinese_json(tenant_a, payload, expected):
    response = token_client(tenant_a.user(Role.COMMITTEE_ADMIN)).patch(
        api(tenant_a, "congress/"), data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == expected
    assert Congress.objects.get(pk=tenant_a.congress.pk).reply_deadline_months == 3


def test_session_writes_need_the_csrf_token(tenant_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant_a.user(Role.COMMITTEE_ADMIN))
    response = client.patch(
        api(tenant_a, "congress/"),
        data=json.dumps({"reply_deadline_months": 2}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_member_list_filters_and_pages(tenant_a, tenant_b):
    client = token_client(tenant_a.user(Role.COMMITTEE_STAFF))
    everyone = client.get(api(tenant_a, "members/")).json()
    assert everyone["count"] == len(Role.values)
    usernames = {row["user"]["username"] for row in everyone["results"]}
    assert usernames == {m.user.username for m in tenant_a.members.values()}
    deputies = client.get(api(tenant_a, "members/"), {"role": "deputy"}).json()
    assert [row["role"] for row in deputies["results"]] == ["deputy"]
    # A name the factories' random names never produce: no other member can match it.
    leader = tenant_a.user(Role.LEADER)
    leader.full_name = "巫马立言"
    leader.save(update_fields=["full_name"])
    found = client.get(api(tenant_a, "members/"), {"q": "巫马立言"}).json()
    assert [row["role"] for row in found["results"]] == ["leader"]
    bad = client.get(api(tenant_a, "members/"), {"role": "king"})
    assert bad.status_code == 400


def test_the_schema_generates_cleanly_without_a_scope(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format=openapi-json", stdout=out)
    schema = json.loads(out.getvalue())
    assert "/api/v1/c/{congress_slug}/me/" in schema["paths"]
    assert "/api/v1/c/{congress_slug}/members/" in schema["paths"]
    assert schema["info"]["title"] == "履职通 API"


def test_schema_and_docs_are_served_from_our_own_static_files(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    body = docs.content.decode()
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in body
    assert "cdn" not in body.lower()
    assert "<script>" not in body  # no inline script: the page works under our CSP


def test_health_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
