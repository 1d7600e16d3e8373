"""The deputy's phone pages, staff paper entry, and the tokened rating page."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from congress.models import Role
from suggestions.models import (
    CosignerStatus,
    Suggestion,
    SuggestionAttachment,
    SuggestionCategory,
    SuggestionCosigner,
    SuggestionFeedback,
    SuggestionStatus,
)
from tests.factories import SuggestionFactory
from tests.suggestions.test_feedback import replied
from tests.suggestions.test_submit import my_deputy, other_deputies, pdf, save_draft


def url(tenant, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"congress_slug": tenant.congress.slug, **kwargs})


def deputy_client(tenant, client_as):
    return client_as(tenant.user(Role.DEPUTY))


def category_id(tenant) -> int:
    with tenant.scope():
        return SuggestionCategory.objects.first().pk


# The list -------------------------------------------------------------------------------------


def test_the_list_shows_led_and_co_signed_with_invitations_on_top(tenant_a, client_as):
    deputy = my_deputy(tenant_a)
    lead, stranger = other_deputies(tenant_a, 2)
    mine = save_draft(tenant_a, deputy)
    with scopes_disabled():  # test setup
        invited_to = SuggestionFactory(
            congress=tenant_a.congress, lead_deputy=lead, title="关于学校门口交通的建议"
        )
        SuggestionCosigner.objects.create(
            congress=tenant_a.congress, suggestion=invited_to, deputy=deputy
        )
        SuggestionFactory(congress=tenant_a.congress, lead_deputy=stranger, title="别人的建议")
    response = deputy_client(tenant_a, client_as).get(url(tenant_a, "my_suggestions:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "请您附议" in page
    assert page.index("请您附议") < page.index("my-suggestions")
    assert mine.title in page and "关于学校门口交通的建议" in page
    assert f"{lead.name} 领衔" in page
    assert "别人的建议" not in page
    assert "写建议" in page


def test_the_list_runs_a_fixed_number_of_queries(tenant_a, client_as):
    deputy = my_deputy(tenant_a)
    client = deputy_client(tenant_a, client_as)
    list_url = url(tenant_a, "my_suggestions:list")

    def add(count):
        with scopes_disabled():  # test setup
            for _index in range(count):
                suggestion = SuggestionFactory(congress=tenant_a.congress, lead_deputy=deputy)
                lead = other_deputies(tenant_a, 1)[0]
                invited = SuggestionFactory(congress=tenant_a.congress, lead_deputy=lead)
                SuggestionCosigner.objects.create(
                    congress=tenant_a.congress, suggestion=invited, deputy=deputy
                )
                assert suggestion.pk

    add(2)
    client.get(list_url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(list_url).status_code == 200
    add(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(list_url)
    assert response.status_code == 200
    page = response.content.decode()
    # Ten invitations on top, then a page of twenty of the twenty led and co-signed.
    assert page.count('<a class="suggestion-card is-invitation"') == 10
    assert page.count('<a class="suggestion-card') == 10 + 20
    assert len(many) == len(few)


def test_other_roles_are_refused_the_deputy_pages(tenant_a, client_as):
    for role in (Role.UNIT_LIAISON, Role.COMMITTEE_STAFF, Role.LEADER, Role.STATION_STAFF):
        response = client_as(tenant_a.user(role)).get(url(tenant_a, "my_suggestions:list"))
        assert response.status_code == 403, role


# Writing --------------------------------------------------------------------------------------


def test_writing_a_suggestion_on_the_phone(tenant_a, client_as):
    my_deputy(tenant_a)
    client = deputy_client(tenant_a, client_as)
    choose = client.get(url(tenant_a, "my_suggestions:new"))
    assert "您要提出什么" in choose.content.decode()
    form = client.get(url(tenant_a, "my_suggestions:new") + "?kind=suggestion")
    assert form.status_code == 200
    assert "保存并提交" in form.content.decode()
    response = client.post(
        url(tenant_a, "my_suggestions:new"),
        {
            "kind": "suggestion",
            "title": "关于农村饮水安全的建议",
            "content": "部分村组自来水水压不足。",
            "category": category_id(tenant_a),
            "source": "own_research",
            "attachment": pdf(),
            "action": "submit",
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        suggestion = Suggestion.objects.get(title="关于农村饮水安全的建议")
        assert suggestion.status == SuggestionStatus.SUBMITTED
        assert suggestion.attachments.count() == 1
    assert response["Location"] == url(
        tenant_a, "my_suggestions:detail", suggestion_id=suggestion.pk
    )
    detail = client.get(response["Location"])
    page = detail.content.decode()
    assert "您的建议已提交给人大常委会" in page
    assert "等待人大常委会工作人员审核受理" in page
    assert "调研报告.pdf" in page


def test_a_refused_form_keeps_what_was_typed(tenant_a, client_as):
    my_deputy(tenant_a)
    response = deputy_client(tenant_a, client_as).post(
        url(tenant_a, "my_suggestions:new"),
        {
            "kind": "suggestion",
            "title": "关于热线工单的建议",
            "content": "市民反映多次未解决。",
            "category": category_id(tenant_a),
            "source": "hotline",
            "action": "draft",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写工单号、线索编号或列席人员" in page
    assert "关于热线工单的建议" in page and "市民反映多次未解决。" in page


def test_a_motion_without_enough_co_signers_stays_a_draft(tenant_a, client_as):
    my_deputy(tenant_a)
    (cosigner,) = other_deputies(tenant_a, 1)
    client = deputy_client(tenant_a, client_as)
    response = client.post(
        url(tenant_a, "my_suggestions:new"),
        {
            "kind": "motion",
            "title": "关于制定养犬管理规定的议案",
            "content": "建议制定地方性法规。",
            "category": category_id(tenant_a),
            "source": "own_research",
            "cosigners": [cosigner.pk],
            "action": "submit",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已保存为草稿，但未能提交" in page
    assert "议案至少需要 10 名代表确认附议，目前已确认 0 名" in page
    with tenant_a.scope():
        motion = Suggestion.objects.get()
        assert motion.status == SuggestionStatus.DRAFT
        assert motion.cosigners.get().status == CosignerStatus.INVITED


def test_a_deputy_without_a_roster_entry_is_told_so(tenant_a, client_as):
    response = deputy_client(tenant_a, client_as).get(url(tenant_a, "my_suggestions:new"))
    assert response.status_code == 200
    assert "尚未与代表名册关联" in response.content.decode()


def test_editing_a_draft_and_a_stale_edit(tenant_a, client_as):
    deputy = my_deputy(tenant_a)
    suggestion = save_draft(tenant_a, deputy)
    client = deputy_client(tenant_a, client_as)
    edit_url = url(tenant_a, "my_suggestions:edit", suggestion_id=suggestion.pk)
    page = client.get(edit_url).content.decode()
    assert suggestion.title in page
    data = {
        "kind": "suggestion",
        "title": "改过的标题",
        "content": suggestion.content,
        "category": category_id(tenant_a),
        "source": "own_research",
        "version": 1,
        "action": "draft",
    }
    assert client.post(edit_url, data).status_code == 302
    stale = client.post(edit_url, {**data, "title": "又改了一次"})
    assert stale.status_code == 400
    assert "其他人已修改了这件建议" in stale.content.decode()
    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.title == "改过的标题"


def test_a_sent_suggestion_cannot_be_edited(tenant_a, client_as):
    deputy = my_deputy(tenant_a)
    with scopes_disabled():  # test setup
        suggestion = SuggestionFactory(congress=tenant_a.congress, lead_deputy=deputy)
    client = deputy_client(tenant_a, client_as)
    edit_url = url(tenant_a, "my_suggestions:edit", suggestion_id=suggestion.pk)
    response = client.get(edit_url)
    assert response.status_code == 200
    assert "not-editable" in response.content.decode()
    assert client.post(edit_url, {"title": "x"}).status_code == 400


def test_submit_and_withdraw_buttons(tenant_a, client_as):
    deputy = my_deputy(tenant_a)
    suggestion = save_draft(tenant_a, deputy)
    client = deputy_client(tenant_a, client_as)
    detail = client.get(url(tenant_a, "my_suggestions:detail", suggestion_id=suggestion.pk))
    assert 'name="version" value="1"' in detail.content.decode()
    stale = client.post(
        url(tenant_a, "my_suggestions:submit", suggestion_id=suggestion.pk),
        {"version": 0},
        follow=True,
    )
    assert "其他人已修改了这件建议" in stale.content.decode()
    client.post(url(tenant_a, "my_suggestions:submit", suggestion_id=suggestion.pk), {"version": 1})
    client.post(
        url(tenant_a, "my_suggestions:withdraw", suggestion_id=suggestion.pk),
        {"version": 2, "reason": "重复了"},
    )
    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.WITHDRAWN
    assert (
        client.get(url(tenant_a, "my_suggestions:submit", suggestion_id=suggestion.pk)).status_code
        == 405
    )


def test_another_deputys_suggestion_is_404(tenant_a, client_as):
    my_deputy(tenant_a)
    (stranger,) = other_deputies(tenant_a, 1)
    with scopes_disabled():  # test setup
        theirs = SuggestionFactory(congress=tenant_a.congress, lead_deputy=stranger)
    client = deputy_client(tenant_a, client_as)
    for name in ("detail", "edit"):
        assert (
            client.get(url(tenant_a, f"my_suggestions:{name}", suggestion_id=theirs.pk)).status_code
            == 404
        )
    for name in ("submit", "withdraw", "cosign", "rate"):
        response = client.post(url(tenant_a, f"my_suggestions:{name}", suggestion_id=theirs.pk), {})
        assert response.status_code == 404, name
    liaison = client_as(tenant_a.user(Role.UNIT_LIAISON))
    assert (
        liaison.get(url(tenant_a, "my_suggestions:detail", suggestion_id=theirs.pk)).status_code
        == 403
    )


def test_attachments_on_the_detail_page(tenant_a, client_as):
    deputy = my_deputy(tenant_a)
    suggestion = save_draft(tenant_a, deputy)
    client = deputy_client(tenant_a, client_as)
    add_url = url(tenant_a, "my_suggestions:attachment_add", suggestion_id=suggestion.pk)
    assert client.post(add_url, {"file": pdf("照片说明.pdf")}).status_code == 302
    refused = client.post(add_url, {"file": pdf("病毒.exe")})
    assert refused.status_code == 400
    assert "请上传 PDF、Word、Excel、WPS 文档" in refused.content.decode()
    with tenant_a.scope():
        attachment = SuggestionAttachment.objects.get()
    remove_url = url(
        tenant_a,
        "my_suggestions:attachment_remove",
        suggestion_id=suggestion.pk,
        attachment_id=attachment.pk,
    )
    assert client.post(remove_url).status_code == 302
    with tenant_a.scope():
        assert not SuggestionAttachment.objects.exists()


# Co-signing and rating ------------------------------------------------------------------------


def test_an_invited_deputy_confirms_on_the_detail_page(tenant_a, client_as):
    lead = my_deputy(tenant_a)
    (invited,) = other_deputies(tenant_a, 1)
    suggestion = save_draft(tenant_a, lead, cosigners=[invited])
    client = client_as(invited.user)
    detail_url = url(tenant_a, "my_suggestions:detail", suggestion_id=suggestion.pk)
    page = client.get(detail_url).content.decode()
    assert "确认附议" in page and "cosign-confirm" in page
    assert "submit-suggestion" not in page
    cosign_url = url(tenant_a, "my_suggestions:cosign", suggestion_id=suggestion.pk)
    assert client.post(cosign_url, {"decision": "maybe"}).status_code == 400
    response = client.post(cosign_url, {"decision": "confirm"}, follow=True)
    assert "您已确认附议这件建议" in response.content.decode()
    with tenant_a.scope():
        assert SuggestionCosigner.objects.get().status == CosignerStatus.CONFIRMED


def test_rating_on_the_detail_page(tenant_a, client_as):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    client = deputy_client(tenant_a, client_as)
    detail_url = url(tenant_a, "my_suggestions:detail", suggestion_id=suggestion.pk)
    page = client.get(detail_url).content.decode()
    assert "rating-form" in page
    assert "已列入明年计划，正在解决。" in page
    assert "A 类：所提问题已经解决或者采纳" in page
    rate_url = url(tenant_a, "my_suggestions:rate", suggestion_id=suggestion.pk)
    refused = client.post(rate_url, {"rating": "unsatisfied", "reason": ""})
    assert refused.status_code == 400
    assert "请说明不满意的理由" in refused.content.decode()
    response = client.post(rate_url, {"rating": "satisfied"}, follow=True)
    page = response.content.decode()
    assert "您的评价已记录" in page
    assert "rating-form" not in page
    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.CLOSED


# Paper entry ------------------------------------------------------------------------------------


def test_staff_enter_a_paper_suggestion(tenant_a, client_as):
    lead, signed = other_deputies(tenant_a, 2, with_accounts=False)
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    new_url = url(tenant_a, "suggestion_paper:new")
    assert "录入纸质建议" in staff.get(new_url).content.decode()
    response = staff.post(
        new_url,
        {
            "lead_deputy": lead.pk,
            "cosigners": [signed.pk],
            "kind": "suggestion",
            "title": "关于菜市场改造的建议",
            "content": "菜市场环境脏乱。",
            "category": category_id(tenant_a),
            "source": "attendee",
            "source_reference": "列席人员王某",
            "submit_now": "on",
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        suggestion = Suggestion.objects.get()
        assert suggestion.from_paper and suggestion.lead_deputy == lead
        assert suggestion.status == SuggestionStatus.SUBMITTED
        assert suggestion.cosigners.get().status == CosignerStatus.CONFIRMED
    assert response["Location"] == url(tenant_a, "suggestions:detail", suggestion_id=suggestion.pk)
    missing = staff.post(new_url, {"kind": "suggestion", "title": "没有领衔代表"})
    assert missing.status_code == 400
    assert "请选择领衔代表" in missing.content.decode()
    assert client_as(tenant_a.user(Role.DEPUTY)).get(new_url).status_code == 403


# The tokened rating page ------------------------------------------------------------------------


def feedback_url(tenant, token: str) -> str:
    return reverse(
        "suggestion_public:feedback",
        kwargs={"congress_slug": tenant.congress.slug, "feedback_token": token},
    )


def test_the_tokened_page_rates_without_signing_in(tenant_a, client):
    deputy = my_deputy(tenant_a)
    suggestion = replied(tenant_a, deputy)
    with tenant_a.scope():
        token = SuggestionFeedback.objects.get(is_lead=True).token
    page_url = feedback_url(tenant_a, token)
    response = client.get(page_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert suggestion.title in page
    assert "已列入明年计划，正在解决。" in page
    assert "A 类" in page
    assert deputy.name not in page  # only the title, the reply and the form
    assert "no-store" in response["Cache-Control"]
    refused = client.post(page_url, {"rating": "unsatisfied"})
    assert refused.status_code == 400
    assert "请说明不满意的理由" in refused.content.decode()
    done = client.post(page_url, {"rating": "unsatisfied", "reason": "没有落实。"})
    assert done.status_code == 302
    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.REHANDLING
        assert SuggestionFeedback.objects.get(token=token).rated_by is None
    used = client.get(page_url)
    assert "这个链接已经用于评价答复了" in used.content.decode()
    again = client.post(page_url, {"rating": "satisfied"})
    assert again.status_code == 409
    assert "这个链接已经用于评价答复了" in again.content.decode()


def test_an_unknown_token_is_not_found(tenant_a, client):
    response = client.get(feedback_url(tenant_a, "no-such-token"))
    assert response.status_code == 404
    assert "链接无效" in response.content.decode()
