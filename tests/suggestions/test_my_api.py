"""The deputy's suggestion API: own list, drafts, submission, co-signing, rating, clear errors."""

from __future__ import annotations

from django.urls import reverse
from django_scopes import scopes_disabled
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from congress.models import Role
from suggestions.models import CosignerStatus, Suggestion, SuggestionCategory, SuggestionStatus
from tests.factories import SuggestionFactory
from tests.suggestions.test_feedback import replied
from tests.suggestions.test_submit import my_deputy, other_deputies, save_draft


def api(user) -> APIClient:
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def url(tenant, name: str, **kwargs) -> str:
    return reverse(
        f"my_suggestions_api:{name}", kwargs={"congress_slug": tenant.congress.slug, **kwargs}
    )


def test_the_list_has_what_the_deputy_leads_and_co_signs(tenant_a):
    deputy = my_deputy(tenant_a)
    lead, stranger = other_deputies(tenant_a, 2)
    mine = save_draft(tenant_a, deputy)
    with scopes_disabled():  # test setup
        cosigned = SuggestionFactory(congress=tenant_a.congress, lead_deputy=lead)
        cosigned.cosigners.create(congress=tenant_a.congress, deputy=deputy)
        SuggestionFactory(congress=tenant_a.congress, lead_deputy=stranger)
    response = api(tenant_a.user(Role.DEPUTY)).get(url(tenant_a, "list"))
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {mine.pk, cosigned.pk}
    assert rows[mine.pk]["is_lead"] is True
    assert rows[cosigned.pk]["is_lead"] is False
    assert rows[mine.pk]["status_display"] == "草稿"


def test_create_update_and_submit_a_draft(tenant_a):
    my_deputy(tenant_a)
    (cosigner,) = other_deputies(tenant_a, 1)
    with tenant_a.scope():
        category = SuggestionCategory.objects.first()
    client = api(tenant_a.user(Role.DEPUTY))
    created = client.post(
        url(tenant_a, "list"),
        {
            "kind": "suggestion",
            "title": "关于公交线路延伸的建议",
            "content": "新建小区没有公交。",
            "category": category.pk,
            "cosigners": [cosigner.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["version"] == 1
    assert body["cosigners"][0]["status"] == CosignerStatus.INVITED
    pk = body["id"]
    changed = client.patch(
        url(tenant_a, "detail", suggestion_id=pk),
        {"title": "关于公交线路延伸到新区的建议", "version": 1},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["title"] == "关于公交线路延伸到新区的建议"
    assert changed.json()["cosigners"][0]["deputy_id"] == cosigner.pk
    stale = client.patch(
        url(tenant_a, "detail", suggestion_id=pk), {"title": "旧页面", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    blind = client.patch(
        url(tenant_a, "detail", suggestion_id=pk), {"title": "盲改"}, format="json"
    )
    assert blind.status_code == 400
    assert blind.json()["field"] == "version"
    sent = client.post(url(tenant_a, "submit", suggestion_id=pk), {"version": 2}, format="json")
    assert sent.status_code == 200
    assert sent.json()["status"] == "submitted"
    again = client.post(url(tenant_a, "submit", suggestion_id=pk), {}, format="json")
    assert again.status_code == 400
    assert again.json()["code"] == "status"
    assert "已提交" in again.json()["detail"]


def test_bad_input_is_a_clear_400(tenant_a):
    my_deputy(tenant_a)
    client = api(tenant_a.user(Role.DEPUTY))
    response = client.post(
        url(tenant_a, "list"),
        {"kind": "suggestion", "title": "标题", "content": "内容", "category": 999999},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["category"] == ["请选择类别。"]
    with tenant_a.scope():
        category = SuggestionCategory.objects.first().pk
    hotline = client.post(
        url(tenant_a, "list"),
        {
            "kind": "suggestion",
            "title": "标题",
            "content": "内容",
            "category": category,
            "source": "hotline",
        },
        format="json",
    )
    assert hotline.status_code == 400
    assert hotline.json()["field"] == "source_reference"
    with tenant_a.scope():
        assert not Suggestion.objects.exists()


def test_a_motion_short_of_co_signers_is_refused_in_json(tenant_a):
    deputy = my_deputy(tenant_a)
    motion = save_draft(tenant_a, deputy, kind="motion")
    response = api(tenant_a.user(Role.DEPUTY)).post(
        url(tenant_a, "submit", suggestion_id=motion.pk), {}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "议案至少需要 10 名代表确认附议，目前已确认 0 名。"


def test_co_sign_and_withdraw(tenant_a):
    deputy = my_deputy(tenant_a)
    (invited,) = other_deputies(tenant_a, 1)
    suggestion = save_draft(tenant_a, deputy, cosigners=[invited])
    invited_client = api(invited.user)
    listed = invited_client.get(url(tenant_a, "list")).json()["results"]
    assert [row["id"] for row in listed] == [suggestion.pk]
    response = invited_client.post(
        url(tenant_a, "cosign", suggestion_id=suggestion.pk), {"decision": "confirm"}
    )
    assert response.status_code == 200
    assert response.json()["my_cosign_status"] == "confirmed"
    # Only the leading deputy withdraws it.
    refused = invited_client.post(url(tenant_a, "withdraw", suggestion_id=suggestion.pk), {})
    assert refused.status_code == 403
    done = api(tenant_a.user(Role.DEPUTY)).post(
        url(tenant_a, "withdraw", suggestion_id=suggestion.pk), {"reason": "不提了"}
    )
    assert done.status_code == 200
    assert done.json()["status"] == SuggestionStatus.WITHDRAWN


def test_rate_through_the_api(tenant_a):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    client = api(tenant_a.user(Role.DEPUTY))
    detail = client.get(url(tenant_a, "detail", suggestion_id=suggestion.pk)).json()
    assert detail["awaiting_my_rating"] is True
    assert detail["replies"][0]["reply_class_name"] == "所提问题已经解决或者采纳"
    assert detail["attachments"] == []
    missing = client.post(
        url(tenant_a, "rate", suggestion_id=suggestion.pk), {"rating": "unsatisfied"}
    )
    assert missing.status_code == 400
    assert missing.json()["field"] == "reason"
    rated = client.post(
        url(tenant_a, "rate", suggestion_id=suggestion.pk),
        {"rating": "unsatisfied", "reason": "没有解决。"},
    )
    assert rated.status_code == 200
    body = rated.json()
    assert body["status"] == "rehandling" and body["round"] == 2
    assert body["my_feedback"][0]["rating"] == "unsatisfied"
    again = client.post(url(tenant_a, "rate", suggestion_id=suggestion.pk), {"rating": "satisfied"})
    assert again.status_code == 400


def test_other_deputies_and_roles(tenant_a):
    deputy = my_deputy(tenant_a)
    (stranger,) = other_deputies(tenant_a, 1)
    suggestion = save_draft(tenant_a, deputy)
    assert (
        api(stranger.user).get(url(tenant_a, "detail", suggestion_id=suggestion.pk)).status_code
        == 404
    )
    assert (
        api(stranger.user).post(url(tenant_a, "submit", suggestion_id=suggestion.pk)).status_code
        == 404
    )
    for role in (Role.UNIT_LIAISON, Role.COMMITTEE_STAFF):
        assert api(tenant_a.user(role)).get(url(tenant_a, "list")).status_code == 403
