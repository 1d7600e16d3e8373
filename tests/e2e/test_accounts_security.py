"""Account journeys in a real browser: the first sign-in's password change, the code step."""

from __future__ import annotations

import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from congress.models import Role
from tests.factories import TEST_PASSWORD

MIN_TOUCH_TARGET_PX = 44
NEW_PASSWORD = "Xiangcheng-renda-2027"


def has_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_new_deputy_sets_their_own_password_on_the_phone(phone_page, tenant_a, sign_in):
    page = phone_page
    deputy = tenant_a.user(Role.DEPUTY)
    deputy.must_change_password = True
    deputy.save(update_fields=["must_change_password"])

    sign_in(page, deputy)
    expect(page).to_have_url(re.compile(r"/accounts/password/"))
    # Nothing else opens until the password is changed.
    page.goto(f"/c/{tenant_a.congress.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/password/\?next="))
    assert not has_horizontal_scroll(page)

    form = page.locator("form:has(input[name=new_password1])")
    form.locator("input[name=old_password]").fill(TEST_PASSWORD)
    form.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    form.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    submit = form.locator("button[type=submit]")
    assert submit.bounding_box()["height"] >= MIN_TOUCH_TARGET_PX
    with page.expect_navigation():
        submit.click()

    expect(page).to_have_url(re.compile(rf"/c/{tenant_a.congress.slug}/$"))
    expect(page.get_by_role("heading", name=f"{deputy.full_name}代表，您好")).to_be_visible()
    deputy.refresh_from_db()
    assert not deputy.must_change_password


def test_staff_with_two_step_sign_in_enter_the_code(desktop_page, tenant_a, sign_in):
    page = desktop_page
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)

    sign_in(page, user)
    expect(page).to_have_url(re.compile(r"/accounts/two-step/verify/"))
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.locator("input[name=code]").fill(f"{code:06d}")
    with page.expect_navigation():
        page.locator("form:has(input[name=code]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/c/{tenant_a.congress.slug}/$"))
