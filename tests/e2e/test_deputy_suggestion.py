"""The deputy's suggestion journey on a phone: write and send a suggestion, then (once the
committee and the unit have done their part) rate the reply unsatisfied, and after the second
reply rate it satisfied and see it closed."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from congress.models import Role
from suggestions import lifecycle
from suggestions.models import Suggestion, SuggestionReply, SuggestionStatus
from tests.factories import DeputyFactory, HandlingUnitFactory, SuggestionAssignmentFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def no_sideways_scroll(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def unit_replies(tenant, suggestion: Suggestion, *, round: int, text: str) -> None:
    """The handling unit's reply, set directly: replying is the unit's part of the app."""
    with tenant.scope():
        suggestion.refresh_from_db()
        suggestion.status = SuggestionStatus.REPLIED
        suggestion.replied_on = date.today()
        suggestion.reply_class = "A"
        suggestion.save()
        SuggestionReply.objects.create(
            congress=tenant.congress,
            suggestion=suggestion,
            round=round,
            unit=suggestion.assignments.get().unit,
            reply_class="A",
            text=text,
            replied_on=date.today(),
            due_on=suggestion.due_on,
        )
        lifecycle.feedback_request(suggestion, actor=None)


def test_a_deputy_writes_sends_and_rates_a_suggestion(tenant_a, phone_page, sign_in):
    page = phone_page
    deputy_user = tenant_a.user(Role.DEPUTY)
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_a.congress, name="周玉兰", user=deputy_user)
    my_list = reverse("my_suggestions:list", kwargs={"congress_slug": tenant_a.congress.slug})

    sign_in(page, deputy_user)
    page.goto(my_list)
    page.locator("#new-suggestion").click()
    page.locator("#kind-suggestion").click()
    page.locator("input[name=title]").fill("关于老旧小区加装电梯的建议")
    page.locator("textarea[name=content]").fill(
        "城南片区老旧小区老年人多，上下楼困难，建议出台补贴政策，推动加装电梯。"
    )
    page.locator("select[name=category]").select_option(label="城乡建设")
    assert no_sideways_scroll(page), "the form scrolls sideways on a phone"
    page.locator("#save-and-submit").click()
    expect(page.locator(".messages")).to_contain_text("您的建议已提交给人大常委会")
    expect(page.locator("#suggestion-status")).to_have_text("已提交")

    with tenant_a.scope():
        suggestion = Suggestion.objects.get(title="关于老旧小区加装电梯的建议")
        assert suggestion.status == SuggestionStatus.SUBMITTED
        # Staff accept and assign it (set directly: those are the office's parts of the app).
        suggestion.status = SuggestionStatus.ASSIGNED
        suggestion.number = 1
        suggestion.series = "r2026-suggestion"
        suggestion.assigned_on = date.today()
        suggestion.due_on = lifecycle.deadline_after_months(date.today(), 3)
        suggestion.save()
    with scopes_disabled():  # test setup
        unit = HandlingUnitFactory(congress=tenant_a.congress, name="区住房和城乡建设局")
        SuggestionAssignmentFactory(congress=tenant_a.congress, suggestion=suggestion, unit=unit)

    unit_replies(tenant_a, suggestion, round=1, text="已列入明年计划，将逐步推进。")

    # The deputy sees it is their turn, reads the reply, and is not satisfied.
    page.goto(my_list)
    expect(page.locator(".is-my-turn")).to_contain_text("请您评价答复")
    page.locator(".is-my-turn").click()
    expect(page.locator("#replies")).to_contain_text("已列入明年计划")
    page.locator("#rating-form input[value=unsatisfied]").check()
    page.locator("#send-rating").click()
    expect(page.locator("#rating-form")).to_contain_text("请说明不满意的理由")
    page.locator("#rating-form textarea[name=reason]").fill("没有具体时间表和资金安排。")
    page.locator("#send-rating").click()
    expect(page.locator("#suggestion-status")).to_have_text("重新办理中")
    expect(page.locator("#due-on")).to_be_visible()
    assert no_sideways_scroll(page), "the detail page scrolls sideways on a phone"

    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.round == 2 and suggestion.joint_supervision

    unit_replies(
        tenant_a, suggestion, round=2, text="已安排专项资金，明年6月前完成首批20台电梯加装。"
    )

    page.reload()
    expect(page.locator("#replies")).to_contain_text("明年6月前完成首批20台")
    page.locator("#rating-form input[value=satisfied]").check()
    page.locator("#send-rating").click()
    expect(page.locator("#suggestion-status")).to_have_text("已办结")
    expect(page.locator("#my-ratings")).to_contain_text("满意")
    expect(page.locator("#rating-form")).to_have_count(0)

    with tenant_a.scope():
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.CLOSED
        assert suggestion.first_rating == "unsatisfied"
        assert suggestion.final_rating == "satisfied"
