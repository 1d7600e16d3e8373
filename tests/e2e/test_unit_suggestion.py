"""The handling unit's journey in a real browser, on the liaison's desktop: sign in, find the
assigned suggestion, log a contact with the deputy, reply with class A and the signed letter,
and find it among the replied ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from congress.models import Role
from suggestions.models import (
    ContactLog,
    Suggestion,
    SuggestionFeedback,
    SuggestionReply,
    UnitLiaison,
)
from tests.factories import (
    DeputyFactory,
    HandlingUnitFactory,
    SuggestionAssignmentFactory,
    SuggestionFactory,
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def letter(tmp_path):
    path = tmp_path / "答复函.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")
    return path


def test_the_unit_replies_to_an_assigned_suggestion(tenant_a, desktop_page, sign_in, letter):
    liaison = tenant_a.user(Role.UNIT_LIAISON)
    today = timezone.localdate()
    with scopes_disabled():  # test setup
        unit = HandlingUnitFactory(congress=tenant_a.congress, name="区住房和城乡建设局")
        UnitLiaison.objects.create(congress=tenant_a.congress, unit=unit, user=liaison)
        deputy = DeputyFactory(congress=tenant_a.congress, name="周玉兰")
        suggestion = SuggestionFactory(
            congress=tenant_a.congress,
            title="关于修缮光明小区道路的建议",
            lead_deputy=deputy,
            status="assigned",
            number=12,
            series=f"r{today.year}-suggestion",
            assigned_on=today - timedelta(days=20),
            due_on=today + timedelta(days=70),
        )
        SuggestionAssignmentFactory(
            congress=tenant_a.congress,
            suggestion=suggestion,
            unit=unit,
            role="lead",
            assigned_on=today - timedelta(days=20),
            return_by=today - timedelta(days=10),
        )

    page = desktop_page
    slug = tenant_a.congress.slug
    sign_in(page, liaison)
    page.goto(f"/c/{slug}/unit-work/")
    expect(page.locator("h1")).to_contain_text("本单位承办的建议")
    row = page.locator("tr", has_text="关于修缮光明小区道路的建议")
    expect(row).to_contain_text("周玉兰")
    expect(row).to_contain_text("主办单位")
    expect(row).to_contain_text("还剩 70 天")
    row.get_by_role("link", name="关于修缮光明小区道路的建议").click()

    # The return window has passed: no return form, only the work to do.
    expect(page.locator("#reply-form")).to_be_visible()
    expect(page.locator("[id^=return-form]")).to_have_count(0)

    contact = page.locator("#contact-form")
    contact.locator("input[name=stage][value=before]").check()
    contact.locator("select[name=method]").select_option("phone")
    contact.locator("input[name=contacted_on]").fill(today.isoformat())
    contact.locator("textarea[name=text]").fill("电话联系周代表，了解道路破损的具体位置。")
    contact.locator("button[name=submit-contact]").click()
    expect(page.locator(".messages")).to_contain_text("与代表的联系情况已记录")
    expect(page.locator("#contacts")).to_contain_text("了解道路破损的具体位置")

    reply = page.locator("#reply-form")
    expect(page.locator("#reply")).to_contain_text("所提问题已经解决或者采纳")
    reply.locator("input[name=reply_class][value=A]").check()
    reply.locator("textarea[name=text]").fill("光明小区道路已于本月完成修缮，感谢代表的建议。")
    reply.locator("input[name=letter]").set_input_files(str(letter))
    reply.locator("button[name=submit-reply]").click()
    expect(page.locator(".messages")).to_contain_text("答复已提交")
    expect(page.locator("#replies")).to_contain_text("答复函.pdf")
    expect(page.locator("#reply-form")).to_have_count(0)

    page.goto(f"/c/{slug}/unit-work/")
    page.get_by_role("link", name="已答复").click()
    expect(page.locator("#unit-work-table")).to_contain_text("关于修缮光明小区道路的建议")
    expect(page.locator("#unit-work-table")).to_contain_text("已答复")

    with tenant_a.scope():
        suggestion = Suggestion.objects.get(pk=suggestion.pk)
        assert suggestion.status == "replied"
        assert suggestion.reply_class == "A"
        assert suggestion.replied_on == today
        saved = SuggestionReply.objects.get(suggestion=suggestion)
        assert saved.letter.read().startswith(b"%PDF-")
        assert ContactLog.objects.get(suggestion=suggestion).contacted_on == today
        assert SuggestionFeedback.objects.filter(suggestion=suggestion, round=1).count() == 1
