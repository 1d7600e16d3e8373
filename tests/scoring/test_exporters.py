# ruff: noqa: F811  (fixtures imported from the page tests are redefined as arguments)
"""The duty record list and the ranking board exported to Excel: the rows the page shows,
with their values, for the roles with the right only, in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from congress.models import Role
from reports.models import Export
from tests.factories import DeputyFactory, DutyRecordFactory
from tests.reports.exports import count_export_queries, export_url, start_export, table
from tests.scoring.test_ranking_pages import board_url, build_snapshot, three  # noqa: F401
from tests.scoring.test_review_pages import deputy_at, stations, submitted  # noqa: F401


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def queue_url(tenant, query: str = "") -> str:
    return f"/c/{tenant.congress.slug}/duties/review/" + (f"?{query}" if query else "")


# Duty records --------------------------------------------------------------------------------


@pytest.fixture
def records(tenant_a, stations):
    mine, other = stations
    wang = deputy_at(tenant_a, mine, name="王建国")
    li = deputy_at(tenant_a, other, name="李秀英")
    first = submitted(
        tenant_a,
        wang,
        category_code="study",
        category_name="学习培训",
        description="参加履职培训",
        points=Decimal("2.5"),
        occurred_on=date(2026, 3, 10),
    )
    second = submitted(
        tenant_a, li, category_code="meeting", category_name="参加会议", description="列席会议"
    )
    with scopes_disabled():  # test setup: an approved record is not in the queue
        DutyRecordFactory(congress=tenant_a.congress, deputy=wang)
    return {"mine": mine, "other": other, "first": first, "second": second}


@pytest.mark.parametrize(
    ("query", "names"),
    [("", {"王建国", "李秀英"}), ("q=王建国", {"王建国"}), ("q=李秀英", {"李秀英"})],
)
def test_the_record_export_holds_the_queue_the_filters_show(
    query, names, tenant_a, client_as, records, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(queue_url(tenant_a, query))
    shown = {record.deputy.name for record in page.context["page"].object_list}
    assert shown == names
    assert 'id="export-excel"' in page.content.decode()

    export = start_export(
        client, tenant_a, "duty-records", django_capture_on_commit_callbacks, query
    )

    header, rows = table(client, tenant_a, export)
    assert header[:4] == ["代表", "履职类别", "履职日期", "履职内容"]
    assert {row[0] for row in rows} == names
    if "王建国" in names:
        wang = next(row for row in rows if row[0] == "王建国")
        assert wang[1:8] == [
            "学习培训",
            wang[2],
            "参加履职培训",
            2.5,
            0,
            wang[6],
            wang[7],
        ]
        assert wang[2].date() == date(2026, 3, 10)


def test_the_record_export_by_station(
    tenant_a, client_as, records, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    query = f"station={records['other'].pk}"
    export = start_export(
        client, tenant_a, "duty-records", django_capture_on_commit_callbacks, query
    )
    assert [row[0] for row in table(client, tenant_a, export)[1]] == ["李秀英"]


@pytest.mark.parametrize("role", [Role.STATION_STAFF, Role.LEADER, Role.DEPUTY])
def test_roles_without_the_right_cannot_export_records(role, tenant_a, client_as, records):
    client = client_as(tenant_a.user(role))
    assert client.get(export_url(tenant_a, "duty-records")).status_code == 403
    assert client.post(export_url(tenant_a, "duty-records")).status_code == 403
    if role == Role.STATION_STAFF:
        assert 'id="export-excel"' not in client.get(queue_url(tenant_a)).content.decode()


def test_outsiders_and_other_congresses_stations(
    tenant_a, tenant_b, client_as, records, django_capture_on_commit_callbacks
):
    outsider = client_as(tenant_b.user(Role.COMMITTEE_STAFF))
    assert outsider.get(export_url(tenant_a, "duty-records")).status_code == 404
    assert outsider.post(export_url(tenant_a, "duty-records")).status_code == 404
    with scopes_disabled():  # test setup
        from tests.factories import LiaisonStationFactory

        theirs = LiaisonStationFactory(congress=tenant_b.congress)
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = staff.get(export_url(tenant_a, "duty-records", f"station={theirs.pk}"))
    assert page.context["exporter"] is None
    staff.post(export_url(tenant_a, "duty-records", f"station={theirs.pk}"))
    with tenant_a.scope():
        assert not Export.objects.exists()


def test_the_record_export_runs_a_fixed_number_of_queries(
    tenant_a, client_as, records, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    few = count_export_queries(client, tenant_a, "duty-records", django_capture_on_commit_callbacks)
    for index in range(20):
        deputy = deputy_at(tenant_a, records["mine"], name=f"代表{index}")
        submitted(tenant_a, deputy)
    many = count_export_queries(
        client, tenant_a, "duty-records", django_capture_on_commit_callbacks
    )
    assert many == few
    assert many <= 40


# Rankings ------------------------------------------------------------------------------------


def ranked(rows: list[list]) -> list[list]:
    """The ranked rows, without the notes under the table."""
    return [row for row in rows if isinstance(row[0], int)]


def test_the_ranking_export_holds_the_board_with_categories_total_and_change(
    tenant_a,
    client_as,
    three,
    django_capture_on_commit_callbacks,
):
    client = client_as(tenant_a.user(Role.LEADER))
    page = client.get(board_url(tenant_a))
    assert 'id="export-excel"' in page.content.decode()
    shown = [entry.deputy.name for entry in page.context["page"].object_list]

    export = start_export(client, tenant_a, "rankings", django_capture_on_commit_callbacks)

    header, rows = table(client, tenant_a, export)
    assert header == [
        "名次",
        "姓名",
        "代表层级",
        "代表小组",
        "联络站",
        "参加会议",
        "学习培训",
        "联系选民",
        "总积分",
        "名次变化",
        "积分变化",
    ]
    rows = ranked(rows)
    assert [row[1] for row in rows] == shown
    by_name = {row[1]: row for row in rows}
    # 2026Q2: 王建国 30 (was 10, 2nd), 李秀英 10 (was 20, 1st), 赵德明 2.5 (was 0, 3rd).
    assert by_name["王建国"] == [
        1,
        "王建国",
        by_name["王建国"][2],
        "东津代表小组",
        "檀溪代表联络站",
        10,
        10,
        10,
        30,
        1,
        20,
    ]
    assert by_name["李秀英"][5:] == [None, 10, None, 10, -1, -10]
    assert by_name["赵德明"][3:5] == ["庞公代表小组", "真武山代表之家"]
    assert by_name["赵德明"][5:9] == [None, None, 2.5, 2.5]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("quarter=2026Q1", ["李秀英", "王建国", "赵德明"]),
        ("level=county", ["李秀英", "赵德明"]),
        ("group={east}", ["王建国", "李秀英"]),
        ("station={station}", ["王建国"]),
        ("q=赵", ["赵德明"]),
    ],
)
def test_the_ranking_export_honours_the_board_filters(
    query,
    names,
    tenant_a,
    client_as,
    three,
    django_capture_on_commit_callbacks,
):
    query = query.format(east=three["east"].pk, station=three["station"].pk)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(f"{board_url(tenant_a)}?{query}")
    assert [entry.deputy.name for entry in page.context["page"].object_list] == names
    export = start_export(client, tenant_a, "rankings", django_capture_on_commit_callbacks, query)
    assert [row[1] for row in ranked(table(client, tenant_a, export)[1])] == names


@pytest.mark.parametrize("role", [Role.STATION_STAFF, Role.DEPUTY, Role.UNIT_LIAISON])
def test_roles_without_the_right_cannot_export_rankings(role, tenant_a, client_as, three):
    client = client_as(tenant_a.user(role))
    assert client.get(export_url(tenant_a, "rankings")).status_code == 403


def test_an_outsider_does_not_find_the_ranking_export(tenant_a, tenant_b, client_as, three):
    client = client_as(tenant_b.user(Role.COMMITTEE_ADMIN))
    assert client.get(export_url(tenant_a, "rankings")).status_code == 404
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    with scopes_disabled():  # test setup
        from tests.factories import DeputyGroupFactory

        theirs = DeputyGroupFactory(congress=tenant_b.congress)
    assert (
        staff.get(export_url(tenant_a, "rankings", f"group={theirs.pk}")).context["exporter"]
        is None
    )


def test_the_ranking_export_runs_a_fixed_number_of_queries(
    tenant_a, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))

    def count(quarter: int, deputies: int) -> int:
        with scopes_disabled():  # test setup
            scores = {
                DeputyFactory(congress=tenant_a.congress): {"meeting": Decimal(index)}
                for index in range(deputies)
            }
            build_snapshot(tenant_a.congress, scores, quarter=quarter)
        return count_export_queries(
            client,
            tenant_a,
            "rankings",
            django_capture_on_commit_callbacks,
            f"quarter=2026Q{quarter}",
        )

    few, many = count(1, 2), count(2, 25)
    assert few == many
    assert many <= 40
