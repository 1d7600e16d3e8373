"""QR identity cards in a real browser: a voter's phone opens the public page; staff replace a
code and the old one stops working; the card and the poster each print on one page."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scopes_disabled
from PIL import Image
from playwright.sync_api import Page, expect

from congress.models import Role
from tests.factories import DeputyFactory, GroupMembershipFactory, StationDeputyFactory

# 1 mm in CSS pixels: the screen preview shows the sheets at their real size.
MM = 96 / 25.4
# 1 mm in PDF points.
PT = 72 / 25.4


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def deputy(tenant_a):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (180, 40, 40)).save(buffer, format="JPEG")
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(
            congress=tenant_a.congress,
            name="周玉兰",
            phone="13871234567",
            level="county",
            workplace_title="襄城区古城街道社区卫生服务中心主任",
        )
        deputy.photo.save("zhou.jpg", ContentFile(buffer.getvalue()), save=True)
        GroupMembershipFactory(
            group__congress=tenant_a.congress, group__name="古城街道代表小组", deputy=deputy
        )
        StationDeputyFactory(
            station__congress=tenant_a.congress, station__name="古城代表联络站", deputy=deputy
        )
    return deputy


def has_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def card_path(tenant, deputy) -> str:
    return reverse(
        "print:deputy_card", kwargs={"congress_slug": tenant.congress.slug, "deputy_id": deputy.pk}
    )


def test_a_voter_phone_opens_the_deputy_page_from_the_code(phone_page, tenant_a, deputy):
    page = phone_page
    path = reverse(
        "public:deputy",
        kwargs={"congress_slug": tenant_a.congress.slug, "deputy_token": deputy.public_token},
    )

    response = page.goto(path)

    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".public-header")).to_contain_text(tenant_a.congress.name)
    expect(page.get_by_role("heading", name="周玉兰")).to_be_visible()
    expect(page.get_by_text("138****4567")).to_be_visible()
    expect(page.get_by_text("古城街道代表小组")).to_be_visible()
    expect(page.get_by_role("link", name="古城代表联络站")).to_be_visible()
    expect(page.get_by_role("heading", name="给代表留言")).to_be_visible()
    photo = page.get_by_role("img", name="周玉兰的照片")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 300
    # Large type for older voters, and nothing to scroll sideways.
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 18
    assert not has_horizontal_scroll(page)

    page.get_by_role("link", name="古城代表联络站").click()

    expect(page.get_by_role("heading", name="古城代表联络站")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("周玉兰"))).to_be_visible()
    assert not has_horizontal_scroll(page)


def test_staff_replace_a_card_code_and_the_old_page_is_gone(
    desktop_page, tenant_a, deputy, sign_in
):
    page = desktop_page
    sign_in(page, tenant_a.user(Role.COMMITTEE_STAFF))
    page.goto(card_path(tenant_a, deputy))
    expect(page.locator(".deputy-card")).to_contain_text("扫码联系代表")
    qr_box = page.locator(".card-qr svg").bounding_box()
    assert qr_box["width"] >= 40 * MM
    public_link = page.get_by_role("link", name="查看公开页面")
    old_url = public_link.get_attribute("href")
    assert old_url.startswith(f"{page.url.split('/c/')[0]}/p/{tenant_a.congress.slug}/d/")

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="更换二维码").click()

    expect(page.get_by_role("status")).to_contain_text("二维码已更换，旧二维码立即失效，请重新打印")
    new_url = public_link.get_attribute("href")
    assert new_url != old_url
    response = page.goto(old_url)
    assert response.status == 404
    expect(page.get_by_role("heading", name="二维码已失效")).to_be_visible()
    assert page.request.get(old_url + "photo/").status == 404
    assert page.goto(new_url).status == 200
    expect(page.get_by_role("heading", name="周玉兰")).to_be_visible()


def test_cancelling_the_confirmation_keeps_the_code(desktop_page, tenant_a, deputy, sign_in):
    page = desktop_page
    sign_in(page, tenant_a.user(Role.COMMITTEE_ADMIN))
    page.goto(card_path(tenant_a, deputy))
    before = page.get_by_role("link", name="查看公开页面").get_attribute("href")

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="更换二维码").click()

    expect(page.get_by_role("status")).to_have_count(0)
    assert page.get_by_role("link", name="查看公开页面").get_attribute("href") == before


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of each page of a PDF written by Chromium."""
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 1
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(width), float(height)) for width, height in boxes]


def test_the_card_prints_on_one_a6_page_and_the_poster_on_one_a4(
    desktop_page, tenant_a, deputy, sign_in
):
    page = desktop_page
    sign_in(page, tenant_a.user(Role.COMMITTEE_STAFF))
    page.goto(card_path(tenant_a, deputy))
    expect(page.get_by_role("button", name="打印")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".print-toolbar")).to_be_hidden()
    card = pdf_pages(page.pdf(prefer_css_page_size=True))

    with scopes_disabled():  # test setup
        station = deputy.station_links.get().station
    page.emulate_media(media="screen")
    page.goto(
        reverse(
            "print:station_poster",
            kwargs={"congress_slug": tenant_a.congress.slug, "station_id": station.pk},
        )
    )
    expect(page.locator(".station-poster")).to_contain_text("扫码给代表留言 / 查看进站代表")
    assert page.locator(".poster-qr svg").bounding_box()["width"] >= 80 * MM
    page.emulate_media(media="print")
    poster = pdf_pages(page.pdf(prefer_css_page_size=True))

    assert len(card) == 1
    assert card[0] == pytest.approx((105 * PT, 148 * PT), abs=1)
    assert len(poster) == 1
    assert poster[0] == pytest.approx((210 * PT, 297 * PT), abs=1)
