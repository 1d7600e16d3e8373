"""The rankings API: snapshots, entries with filters, red and black lists, a deputy's trace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.models import Role
from scoring.models import RankingEntry
from tests.factories import DeputyFactory, DeputyGroupFactory, DutyRecordFactory
from tests.scoring.test_ranking_pages import build_snapshot, three  # noqa: F401 (fixture)


def api(tenant, path: str) -> str:
    return f"/api/v1/c/{tenant.congress.slug}/duties/rankings/{path}"


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


def test_the_list_of_rankings_latest_first(staff, three, tenant_a):  # noqa: F811
    body = staff.get(api(tenant_a, "")).json()
    assert [item["label"] for item in body["results"]] == ["2026Q2", "2026Q1"]
    assert body["results"][0]["deputy_count"] == 3


def test_entries_with_categories_changes_and_filters(staff, three, tenant_a):  # noqa: F811
    q2 = three["q2"]
    body = staff.get(api(tenant_a, f"{q2.pk}/entries/")).json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["deputy"]["name"] == "王建国" and first["rank"] == 1
    assert first["points"] == "30.00" and first["points_change"] == "20.00"
    assert first["rank_change"] == 1
    assert [c["code"] for c in first["categories"]] == ["meeting", "study", "voters"]
    assert first["groups"][0]["name"] == "东津代表小组"
    east = staff.get(api(tenant_a, f"{q2.pk}/entries/?group={three['east'].pk}")).json()
    assert [r["deputy"]["name"] for r in east["results"]] == ["王建国", "李秀英"]
    county = staff.get(api(tenant_a, f"{q2.pk}/entries/?level=county&period=year")).json()
    assert [r["deputy"]["name"] for r in county["results"]] == ["李秀英", "赵德明"]
    assert county["results"][0]["period"] == "year"
    station = staff.get(api(tenant_a, f"{q2.pk}/entries/?station={three['station'].pk}"))
    assert [r["deputy"]["name"] for r in station.json()["results"]] == ["王建国"]


@pytest.mark.parametrize(
    "query", ["period=decade", "group=abc", "group=0", "station=x", "level=galactic", "group=99999"]
)
def test_bad_filters_are_400_with_a_message(staff, three, tenant_a, query):  # noqa: F811
    response = staff.get(api(tenant_a, f"{three['q2'].pk}/entries/?{query}"))
    assert response.status_code == 400
    assert response.json()


def test_a_group_of_another_congress_is_refused(staff, three, tenant_a, tenant_b):  # noqa: F811
    with scopes_disabled():  # test setup
        foreign = DeputyGroupFactory(congress=tenant_b.congress)
    response = staff.get(api(tenant_a, f"{three['q2'].pk}/entries/?group={foreign.pk}"))
    assert response.status_code == 400
    assert "group" in response.json()


def test_the_entries_run_a_fixed_number_of_queries(staff, tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        small = build_snapshot(
            congress, {DeputyFactory(congress=congress): {"meeting": Decimal(10)} for _ in range(2)}
        )
        big = build_snapshot(
            congress,
            {DeputyFactory(congress=congress): {"study": Decimal(5)} for _ in range(30)},
            quarter=2,
            rule_set=small.rule_set,
        )

    def count(ranking):
        with CaptureQueriesContext(connection) as queries:
            response = staff.get(api(tenant_a, f"{ranking.pk}/entries/"))
        assert response.status_code == 200
        return len(queries)

    staff.get(api(tenant_a, ""))  # the first request of a session does one-off work
    assert count(small) == count(big)


def test_rollups_by_kind(staff, three, tenant_a):  # noqa: F811
    q2 = three["q2"]
    groups = staff.get(api(tenant_a, f"{q2.pk}/rollups/")).json()["results"]
    assert [(r["name"], r["rank"], r["points_average"]) for r in groups] == [
        ("东津代表小组", 1, "20.00"),
        ("庞公代表小组", 2, "2.50"),
    ]
    assert groups[0]["target"] == three["east"].pk
    stations = staff.get(api(tenant_a, f"{q2.pk}/rollups/?kind=station")).json()["results"]
    assert [r["kind"] for r in stations] == ["station", "station"]
    assert staff.get(api(tenant_a, f"{q2.pk}/rollups/?kind=planet")).status_code == 400


def test_the_trace_of_a_deputy(staff, three, tenant_a):  # noqa: F811
    with scopes_disabled():  # test setup
        record = DutyRecordFactory(
            congress=tenant_a.congress,
            deputy=three["wang"],
            category_code="meeting",
            category_name="参加会议",
            occurred_on=date(2026, 4, 20),
            status="confirmed",
            points=Decimal(10),
        )
    body = staff.get(api(tenant_a, f"{three['q2'].pk}/deputies/{three['wang'].pk}/")).json()
    assert body["ranking"]["label"] == "2026Q2" and body["period"] == "quarter"
    assert body["entry"]["rank"] == 1 and body["quarters"] == [2]
    meeting = next(c for c in body["categories"] if c["code"] == "meeting")
    assert meeting["points"] == "10.00" and meeting["capped"] is False
    assert [r["id"] for r in meeting["records"]] == [record.pk]
    year = staff.get(api(tenant_a, f"{three['q2'].pk}/deputies/{three['wang'].pk}/?period=year"))
    assert year.json()["quarters"] == [1, 2]
    assert (
        staff.get(
            api(tenant_a, f"{three['q2'].pk}/deputies/{three['wang'].pk}/?period=x")
        ).status_code
        == 400
    )


def test_the_trace_of_a_deputy_outside_the_ranking(staff, three, tenant_a):  # noqa: F811
    with scopes_disabled():  # test setup
        newcomer = DeputyFactory(congress=tenant_a.congress)
    body = staff.get(api(tenant_a, f"{three['q2'].pk}/deputies/{newcomer.pk}/")).json()
    assert body["entry"] is None and body["categories"] == []


def test_foreign_ids_are_404(staff, three, tenant_a, tenant_b):  # noqa: F811
    with scopes_disabled():  # test setup
        foreign = DeputyFactory(congress=tenant_b.congress)
        entry = RankingEntry.objects.filter(ranking=three["q2"]).first()
    assert staff.get(api(tenant_a, f"{three['q2'].pk}/deputies/{foreign.pk}/")).status_code == 404
    assert staff.get(api(tenant_a, "999999/entries/")).status_code == 404
    assert entry is not None


@pytest.mark.parametrize(
    "role,allowed",
    [
        (Role.COMMITTEE_ADMIN, True),
        (Role.COMMITTEE_STAFF, True),
        (Role.LEADER, True),
        (Role.STATION_STAFF, False),
        (Role.DEPUTY, False),
    ],
)
def test_who_may_read_rankings(role, allowed, three, tenant_a, client_as):  # noqa: F811
    response = client_as(tenant_a.user(role)).get(api(tenant_a, f"{three['q2'].pk}/entries/"))
    assert response.status_code == (200 if allowed else 403)


def test_the_api_is_read_only(staff, three, tenant_a):  # noqa: F811
    assert staff.post(api(tenant_a, ""), {}).status_code == 405
    assert staff.delete(api(tenant_a, f"{three['q2'].pk}/entries/")).status_code == 405
