"""A leader reads the dashboard on a tablet and on a phone: switches the quarter and the year to
date, sees the SVG charts, and follows a chart's drill-down link to the ranking board."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from congress.models import Role
from scoring.models import RankingEntry
from tests.e2e.conftest import BROWSER_LOCALE, TIMEOUT_MS
from tests.reports.world import World

VIEWPORTS = {
    "tablet": {"viewport": {"width": 820, "height": 1180}, "has_touch": True},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(params=sorted(VIEWPORTS))
def device_page(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale=BROWSER_LOCALE, **VIEWPORTS[request.param]
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            folder = request.config.rootpath / "test-results"
            folder.mkdir(exist_ok=True)
            page.screenshot(path=str(folder / f"dashboard-{request.param}.png"), full_page=True)
    finally:
        context.close()


def no_sideways_scroll(page) -> bool:
    return not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_a_leader_reads_the_dashboard(tenant_a, device_page, sign_in):
    page = device_page
    with tenant_a.scope():  # test setup
        world = World(tenant_a.congress)
        for index, (deputy, points) in enumerate(zip(world.deputies, (5, 12, 14, 38), strict=True)):
            RankingEntry.objects.create(
                congress=tenant_a.congress,
                ranking=world.q2,
                period="quarter",
                deputy=deputy,
                points=points,
                rank=4 - index,
                rank_from_bottom=index + 1,
            )
    url = reverse("dashboard:index", kwargs={"congress_slug": tenant_a.congress.slug})

    sign_in(page, tenant_a.user(Role.LEADER))
    page.goto(url)
    # The trend lines are there, each an image with a title, whatever the quarter.
    for chart_id in ("trend-duties", "trend-active", "trend-on-time", "trend-messages"):
        chart = page.locator(f"svg#{chart_id}")
        expect(chart).to_be_visible()
        expect(chart).to_have_attribute("role", "img")
        expect(chart.locator("title").first).not_to_be_empty()
    assert no_sideways_scroll(page), "the dashboard scrolls sideways"

    # Choose 2026Q2: its ranking histogram appears, and the figures are the quarter's.
    page.locator("#dash-quarter").select_option("2026Q2")
    with page.expect_navigation():
        page.locator(".dash-filters button[type=submit]").click()
    assert "quarter=2026Q2" in page.url
    histogram = page.locator("svg#ranking-histogram")
    expect(histogram).to_be_visible()
    expect(histogram.locator("rect.column")).to_have_count(7)  # 5 to 40 in bands of 5
    expect(page.locator('[data-figure="duties_per_deputy"] [data-value]')).to_have_text("0.50")
    expect(page.locator('[data-figure="warnings"] [data-value]')).to_have_text("3")

    # The year to date: Q1 and Q2 together.
    with page.expect_navigation():
        page.locator(".dash-toggle a").nth(1).click()
    assert "period=ytd" in page.url
    expect(page.locator(".dash-toggle a").nth(1)).to_have_attribute("aria-current", "true")
    expect(page.locator('[data-figure="warnings"] [data-value]')).to_have_text("5")
    expect(page.locator('[data-figure="duties_per_deputy"] [data-value]')).to_have_text("0.63")
    assert no_sideways_scroll(page), "the dashboard scrolls sideways"

    # Drill down from the ranking panel to the ranking board of that quarter.
    with page.expect_navigation():
        page.locator('[data-figure="duties_per_deputy"] h2 a').click()
    assert "/duties/rankings/" in page.url and "quarter=2026Q2" in page.url
    expect(page.locator("h1")).to_be_visible()
