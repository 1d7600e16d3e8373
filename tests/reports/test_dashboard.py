"""The leadership dashboard page: who sees it, and that it prints the headline numbers."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from congress.models import Role
from reports.dashboard_views import _decimal, _percent
from reports.headlines import quarter_headlines
from tests.reports.world import TODAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_today():
    with time_machine.travel(at(TODAY.year, TODAY.month, TODAY.day), tick=False):
        yield


def _url(tenant, **query) -> str:
    url = reverse("dashboard:index", kwargs={"congress_slug": tenant.congress.slug})
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def _figure(html: str, key: str) -> str:
    match = re.search(
        rf'data-figure="{key}">.*?<p class="dash-card-value" data-value>([^<]*)</p>', html, re.S
    )
    assert match, key
    return match.group(1)


@pytest.mark.parametrize("role", [Role.COMMITTEE_STAFF, Role.LEADER, Role.COMMITTEE_ADMIN])
def test_staff_and_leaders_see_the_dashboard(role, tenant_a, world, client_as):
    response = client_as(tenant_a.user(role)).get(_url(tenant_a))
    assert response.status_code == 200
    # The default is the last ended quarter (today is 15 July 2026).
    assert response.context["chosen"] == "2026Q2"
    assert 'href="' + _url(tenant_a) in response.content.decode()  # the nav link


@pytest.mark.parametrize("role", [Role.DEPUTY, Role.UNIT_LIAISON, Role.STATION_STAFF])
def test_other_roles_are_refused(role, tenant_a, client_as):
    assert client_as(tenant_a.user(role)).get(_url(tenant_a)).status_code == 403


def test_an_outsider_gets_404(tenant_a, outsider, client_as):
    assert client_as(outsider).get(_url(tenant_a)).status_code == 404


@pytest.mark.parametrize("year_to_date", [False, True])
def test_the_numbers_are_the_headlines(year_to_date, tenant_a, world, client_as):
    query = {"quarter": "2026Q2", **({"period": "ytd"} if year_to_date else {})}
    html = client_as(tenant_a.user(Role.LEADER)).get(_url(tenant_a, **query)).content.decode()
    with tenant_a.scope():
        expected = quarter_headlines(
            congress=tenant_a.congress,
            year=2026,
            quarter=2,
            year_to_date=year_to_date,
            today=TODAY,
        )
    assert _figure(html, "deputies") == str(expected.deputies)
    assert _figure(html, "duties_per_deputy") == _decimal(expected.duties_per_deputy)
    assert _figure(html, "suggestions_received") == str(expected.suggestions_received)
    assert _figure(html, "warnings") == str(expected.warnings)
    assert _figure(html, "warning_talks") == str(expected.warning_talks)
    for key in ("active_share", "on_time_rate", "solved_rate", "satisfaction_rate"):
        assert _figure(html, key) == _percent(getattr(expected, key)), key
    assert _figure(html, "messages_in_time_rate") == _percent(expected.messages_in_time_rate)
    # Spot checks against the hand count of world.py.
    if year_to_date:
        assert _figure(html, "on_time_rate") == "50.0%"
        assert _figure(html, "warnings") == "5"
        assert _figure(html, "duties_per_deputy") == "0.63"  # 5 / 8, rounded half up
    else:
        assert _figure(html, "on_time_rate") == "33.3%"
        assert _figure(html, "duties_per_deputy") == "0.50"


def test_the_change_against_the_previous_quarter(tenant_a, world, client_as):
    response = client_as(tenant_a.user(Role.LEADER)).get(_url(tenant_a, quarter="2026Q2"))
    cards = {card.key: card for card in response.context["cards"]}
    # Q1: 1 duty among 5 ranked (0.20); Q2: 4 among 8 (0.50).
    assert cards["duties_per_deputy"].previous == "0.20"
    assert (cards["duties_per_deputy"].direction, cards["duties_per_deputy"].difference) == (
        "up",
        "0.30",
    )
    assert cards["duties_per_deputy"].good is True
    # Warnings: 2 in Q1, 3 in Q2: up, and not welcome.
    assert (cards["warnings"].direction, cards["warnings"].good) == ("up", False)


def test_the_charts_are_drawn_as_svg(tenant_a, world, client_as):
    html = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(_url(tenant_a)).content.decode()
    for chart_id in ("trend-duties", "trend-active", "trend-on-time", "trend-messages", "stations"):
        assert f'<svg class="chart" id="{chart_id}"' in html, chart_id
        assert f'<title id="{chart_id}-title">' in html
        assert f'<desc id="{chart_id}-desc">' in html
    assert "<script" not in html.split("<main", 1)[-1].split("</main>")[0]
    # Staff may open the messages of a station from its bar.
    assert f"?station={world.station.pk}" in html


def test_the_ranking_histogram_counts_the_entries(tenant_a, world, client_as):
    from scoring.models import RankingEntry

    with tenant_a.scope():  # test setup
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
    response = client_as(tenant_a.user(Role.LEADER)).get(_url(tenant_a, quarter="2026Q2"))
    html = response.content.decode()
    assert '<svg class="chart" id="ranking-histogram"' in html
    # Width 5 from 5: 5-10 holds one, 10-15 two, 35-40 one; the empty bands in between show 0.
    assert "5–10: 1" in html and "10–15: 2" in html and "35–40: 1" in html
    assert "duties/rankings/?quarter=2026Q2&amp;period=quarter" in html


def test_a_bad_quarter_falls_back_to_the_last_ended_one(tenant_a, client_as):
    response = client_as(tenant_a.user(Role.LEADER)).get(_url(tenant_a, quarter="1999Q9"))
    assert response.status_code == 200
    assert response.context["chosen"] == "2026Q2"


def test_the_query_count_is_fixed(tenant_a, world, client_as, django_assert_max_num_queries):
    client = client_as(tenant_a.user(Role.LEADER))
    client.get(_url(tenant_a))  # warm the session and the membership
    with django_assert_max_num_queries(40):
        client.get(_url(tenant_a, period="ytd"))


def test_the_dashboard_links_to_the_quarterly_workbook_of_its_period(tenant_a, client_as):
    page = client_as(tenant_a.user(Role.LEADER)).get(
        f"/c/{tenant_a.congress.slug}/leadership/?quarter=2025Q4&period=ytd"
    )
    assert page.status_code == 200
    assert (
        f"/c/{tenant_a.congress.slug}/exports/quarterly/?quarter=2025Q4&amp;scope=year"
        in page.content.decode()
    )
