"""The first journeys in a real browser: signing in and out, home pages, members, lockout."""

from __future__ import annotations

import re

from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from congress.models import Role
from tests.factories import MembershipFactory

# Older deputies tap with a thumb: the platforms' guidance is about 44 CSS px at least.
MIN_TOUCH_TARGET_PX = 44


def has_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_deputy_signs_in_on_a_phone_and_sees_their_home(phone_page, tenant_a, sign_in):
    page = phone_page
    deputy = tenant_a.user(Role.DEPUTY)

    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", name="登录履职通")).to_be_visible()
    expect(page.get_by_label("用户名或手机号")).to_be_visible()
    submit = page.locator("form button[type=submit]")
    expect(submit).to_have_text("登录")
    assert submit.bounding_box()["height"] >= MIN_TOUCH_TARGET_PX
    assert not has_horizontal_scroll(page)

    sign_in(page, deputy)

    expect(page).to_have_url(re.compile(rf"/c/{tenant_a.congress.slug}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", name=f"{deputy.full_name}代表，您好")).to_be_visible()
    expect(page.locator(".hero")).to_contain_text(tenant_a.congress.name)
    expect(page.get_by_role("heading", name="待办事项")).to_be_visible()
    # The staff pages are not offered to a deputy.
    expect(page.get_by_role("link", name="人员与角色")).to_have_count(0)
    assert not has_horizontal_scroll(page)


def test_staff_member_sees_the_workbench_and_the_members(desktop_page, tenant_a, sign_in):
    page = desktop_page
    sign_in(page, tenant_a.user(Role.COMMITTEE_STAFF))

    expect(page).to_have_url(re.compile(rf"/c/{tenant_a.congress.slug}/$"))
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="人员与角色")).to_be_visible()
    expect(nav.get_by_role("link", name="操作记录")).to_be_visible()
    # Settings are the administrator's alone.
    expect(nav.get_by_role("link", name="设置")).to_have_count(0)

    nav.get_by_role("link", name="人员与角色").click()

    expect(page).to_have_url(re.compile(rf"/c/{tenant_a.congress.slug}/members/$"))
    expect(page.get_by_role("heading", name="人员与角色")).to_be_visible()
    headers = page.locator("#member-table table thead th")
    expect(headers).to_have_text(["姓名", "用户名", "手机号", "角色", "状态"])
    expect(page.locator("#member-table tbody tr")).to_have_count(len(Role.values))
    # Staff see the list but may not change it.
    expect(page.get_by_role("link", name="添加人员")).to_have_count(0)


def test_member_search_narrows_the_table_without_reloading(desktop_page, tenant_a, sign_in):
    page = desktop_page
    wanted = tenant_a.user(Role.LEADER)
    wanted.full_name = "欧阳明远"
    wanted.save(update_fields=["full_name"])
    sign_in(page, tenant_a.user(Role.COMMITTEE_ADMIN))
    page.goto(f"/c/{tenant_a.congress.slug}/members/")
    rows = page.locator("#member-table tbody tr")
    expect(rows).to_have_count(len(Role.values))
    # Survives only if htmx swaps the table instead of the browser loading a new page.
    page.evaluate("window.__marker = 'still here'")

    page.get_by_role("searchbox").fill("欧阳明")

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("欧阳明远")
    expect(rows.first).to_contain_text(wanted.username)
    expect(page).to_have_url(re.compile(r"/members/\?(.*&)?q=%E6%AC%A7%E9%98%B3%E6%98%8E"))
    assert page.evaluate("window.__marker") == "still here"


def test_member_of_two_congresses_chooses_one(desktop_page, tenant_a, tenant_b, sign_in):
    page = desktop_page
    user = tenant_a.user(Role.COMMITTEE_STAFF)
    # Setting up a membership in a second congress writes across tenants.
    with scopes_disabled():
        MembershipFactory(congress=tenant_b.congress, user=user, role=Role.DEPUTY)

    sign_in(page, user)

    expect(page.get_by_role("heading", name="选择常委会")).to_be_visible()
    choices = page.locator(".choice-list a.choice")
    expect(choices).to_have_count(2)
    expect(choices.filter(has_text=tenant_a.congress.name)).to_contain_text("代表工委工作人员")
    expect(choices.filter(has_text=tenant_b.congress.name)).to_contain_text("人大代表")

    choices.filter(has_text=tenant_b.congress.name).click()

    expect(page).to_have_url(re.compile(rf"/c/{tenant_b.congress.slug}/$"))
    expect(page.locator(".topbar .brand")).to_contain_text(tenant_b.congress.name)
    expect(page.get_by_role("heading", name=f"{user.full_name}代表，您好")).to_be_visible()


def test_five_wrong_passwords_lock_the_account(phone_page, tenant_a, sign_in):
    page = phone_page
    deputy = tenant_a.user(Role.DEPUTY)

    for _attempt in range(4):
        sign_in(page, deputy, password="not-the-password")
        expect(page.locator(".form-errors")).to_be_visible()
        expect(page.get_by_role("heading", name="登录履职通")).to_be_visible()
    sign_in(page, deputy, password="not-the-password")

    expect(page.get_by_role("heading", name="账号已锁定")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("登录失败次数过多")

    sign_in(page, deputy)

    expect(page.get_by_role("heading", name="账号已锁定")).to_be_visible()
    page.goto(f"/c/{tenant_a.congress.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_signing_out_returns_to_the_login_page(phone_page, tenant_a, sign_in):
    page = phone_page
    sign_in(page, tenant_a.user(Role.DEPUTY))
    expect(page).to_have_url(re.compile(rf"/c/{tenant_a.congress.slug}/$"))

    page.locator("details.user-menu summary").click()
    page.get_by_role("button", name="退出登录").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="登录履职通")).to_be_visible()
    page.goto(f"/c/{tenant_a.congress.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
