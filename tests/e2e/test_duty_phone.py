"""Logging a duty on a phone: from the points page, one screen with a category, a description
and a camera photo, to the record awaiting audit with its photo shown."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image
from playwright.sync_api import expect

from congress.models import Role
from scoring.models import DutyRecord, DutyRecordPhoto, RecordStatus
from scoring.services import rule_set_create_from_preset
from tests.factories import DeputyFactory


def no_sideways_scroll(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_deputy_logs_a_duty_with_a_photo(tenant_a, phone_page, sign_in, tmp_path):
    page = phone_page
    deputy_user = tenant_a.user(Role.DEPUTY)
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress, name="周玉兰", user=deputy_user)
    with tenant_a.scope():  # test setup
        rule_set_create_from_preset(
            actor=None, congress=tenant_a.congress, year=timezone.localdate().year, preset="six"
        )
    # A camera-sized photo: the page's script makes it smaller before it is sent.
    photo = tmp_path / "现场.jpg"
    Image.new("RGB", (3000, 2000), (200, 60, 40)).save(photo, format="JPEG", quality=95)
    home = reverse("my_duties:home", kwargs={"congress_slug": tenant_a.congress.slug})

    sign_in(page, deputy_user)
    page.goto(home)
    expect(page.locator("h1")).to_have_text("我的履职积分")
    page.get_by_role("link", name="记录履职").first.click()
    expect(page.locator("h1")).to_have_text("记录履职")
    assert no_sideways_scroll(page), "the form scrolls sideways on a phone"

    page.get_by_text("学习培训").click()
    page.locator("textarea[name=description]").fill("参加全区代表履职能力培训班")
    page.locator("input[name=photos]").set_input_files(str(photo))
    expect(page.locator("#photo-status")).to_have_text("照片已准备好，可以提交。")
    chosen = page.locator("input[name=photos]").evaluate(
        "input => [input.files.length, input.files[0].size, input.files[0].type]"
    )
    assert chosen[0] == 1 and chosen[2] == "image/jpeg"
    assert chosen[1] < photo.stat().st_size, "the photo was not made smaller in the browser"
    page.get_by_role("button", name="提交审核").click()

    expect(page.locator(".messages")).to_contain_text("履职记录已提交，等待联络站审核。")
    expect(page.locator("#record-status")).to_have_text("等待审核")
    expect(page.locator("#record-description")).to_have_text("参加全区代表履职能力培训班")
    image = page.locator("#record-photos img")
    expect(image).to_have_count(1)
    # The photo really loads (served, not a broken image).
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0
    assert no_sideways_scroll(page)

    with tenant_a.scope():
        record = DutyRecord.objects.get(deputy=deputy)
        assert record.status == RecordStatus.SUBMITTED
        stored = DutyRecordPhoto.objects.get(record=record)
        assert stored.image.size < photo.stat().st_size

    page.get_by_role("link", name="我的履职记录").click()
    expect(page.locator("#record-list")).to_contain_text("学习培训")
    expect(page.locator("#record-list")).to_contain_text("等待审核")
