"""The liaison journey in a real browser: a voter scans a deputy's code on a phone and leaves a
message with a photo, the deputy answers on their phone, the voter follows the code and rates
the answer, and staff see it all."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from PIL import Image
from playwright.sync_api import Browser, expect

from congress.models import Role
from liaison.models import MessageStatus, VoterMessage
from tests.factories import DeputyFactory

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-US",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "路灯.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (90, 90, 120)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def new_phone(browser: Browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_voter_message_from_qr_to_rating(
    browser, live_server, tenant_a, sign_in, photo, desktop_page
):
    deputy_user = tenant_a.user(Role.DEPUTY)
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress, name="周玉兰", user=deputy_user)
    public_path = reverse(
        "public:deputy",
        kwargs={"congress_slug": tenant_a.congress.slug, "deputy_token": deputy.public_token},
    )

    # A voter scans the code: the deputy's page opens on their phone, not signed in.
    voter_context, voter = new_phone(browser, live_server)
    voter.goto(public_path)
    voter.locator("#write-message").click()
    voter.locator("input[name=topic]").first.check()
    voter.locator("textarea[name=text]").fill("小区门口的路灯坏了两个月，晚上老人出门很不方便。")
    voter.locator("input[name=photo_1]").set_input_files(str(photo))
    voter.locator("input[name=voter_name]").fill("李大爷")
    voter.locator("input[name=consent]").check()
    voter.locator("button[name=send]").click()
    code = voter.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z-]{10,11}", code), code
    code = code.replace("-", "")

    with tenant_a.scope():
        message = VoterMessage.objects.get(tracking_code=code)
        assert message.deputy == deputy
        assert message.photos.count() == 1
        assert message.status == MessageStatus.REGISTERED

    # The deputy sees it on their phone and answers.
    deputy_context, deputy_phone = new_phone(browser, live_server)
    sign_in(deputy_phone, deputy_user)
    deputy_phone.goto(f"/c/{tenant_a.congress.slug}/messages/")
    deputy_phone.get_by_text("小区门口的路灯坏了两个月").first.click()
    expect(deputy_phone.locator("body")).to_contain_text("李大爷")
    deputy_phone.locator("#answer-form textarea").fill(
        "已联系街道城管科，路灯本周五前修好，请您留意。"
    )
    deputy_phone.locator("button[name=submit-answer]").click()
    expect(deputy_phone.locator("body")).to_contain_text("已答复")
    assert not deputy_phone.evaluate("document.documentElement.scrollWidth > window.innerWidth"), (
        "the deputy's phone page scrolls sideways"
    )

    # The voter follows the code, reads the answer and rates it.
    voter.goto(
        reverse(
            "public:track_message",
            kwargs={
                "congress_slug": tenant_a.congress.slug,
                "tracking_code": code,
            },
        )
    )
    expect(voter.locator("#answer")).to_contain_text("路灯本周五前修好")
    voter.locator("#rating-form input[value=satisfied]").check()
    voter.locator("button[name=rate]").click()
    expect(voter.locator("#rating")).to_be_visible()

    with tenant_a.scope():
        message.refresh_from_db()
        assert message.status == MessageStatus.CLOSED
        assert message.satisfaction == "satisfied"
        steps = list(message.events.values_list("to_status", flat=True))
    assert steps == ["registered", "answered", "closed"]

    # Staff see the whole story on their desktop.
    sign_in(desktop_page, tenant_a.user(Role.COMMITTEE_STAFF))
    desktop_page.goto(f"/c/{tenant_a.congress.slug}/messages/{message.pk}/")
    body = desktop_page.locator("body")
    expect(body).to_contain_text("路灯本周五前修好")
    expect(body).to_contain_text("满意")
    expect(body).to_contain_text("周玉兰")

    voter_context.close()
    deputy_context.close()
