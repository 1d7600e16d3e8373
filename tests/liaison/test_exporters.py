"""The voter message list exported to Excel: what the filtered list shows, without the voters'
names and telephone numbers, for committee staff only, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Role
from reports.models import Export
from tests.factories import (
    DeputyFactory,
    LiaisonStationFactory,
    VoterMessageFactory,
)
from tests.reports.exports import count_export_queries, export_url, start_export, workbook


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def list_url(tenant, query: str = "", overdue: bool = False) -> str:
    base = f"/c/{tenant.congress.slug}/messages/" + ("overdue/" if overdue else "")
    return base + (f"?{query}" if query else "")


@pytest.fixture
def inbox(tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        station = LiaisonStationFactory(congress=congress, name="檀溪代表联络站")
        wang = DeputyFactory(congress=congress, name="王建国")
        late = VoterMessageFactory(
            congress=congress,
            deputy=wang,
            station=station,
            text="路灯坏了",
            voter_name="李大爷",
            voter_phone="13900001111",
            due_on=timezone.localdate() - timedelta(days=3),
        )
        fresh = VoterMessageFactory(
            congress=congress,
            deputy=wang,
            topic="education",
            text="希望增加学位",
            voter_name="赵阿姨",
            voter_phone="13900002222",
            due_on=timezone.localdate() + timedelta(days=10),
        )
    return {"station": station, "wang": wang, "late": late, "fresh": fresh}


def all_cells(book) -> list:
    return [
        value
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    ]


@pytest.mark.parametrize(
    ("query", "overdue", "texts"),
    [
        ("", False, {"路灯坏了", "希望增加学位"}),
        ("", True, {"路灯坏了"}),
        ("q=学位", False, {"希望增加学位"}),
        ("station={station}", False, {"路灯坏了"}),
        ("topic=education", False, {"希望增加学位"}),
    ],
)
def test_the_export_holds_what_the_list_shows_without_voters_personal_data(
    query, overdue, texts, tenant_a, client_as, inbox, django_capture_on_commit_callbacks
):
    query = query.format(station=inbox["station"].pk)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(list_url(tenant_a, query, overdue))
    assert {message.text for message in page.context["page"].object_list} == texts
    link = page.context["export_query"]
    if overdue:
        assert "overdue=on" in link

    export = start_export(client, tenant_a, "messages", django_capture_on_commit_callbacks, link)

    book = workbook(client, tenant_a, export)
    rows = [list(row) for row in book.worksheets[0].iter_rows(min_row=4, values_only=True)]
    header = [cell.value for cell in book.worksheets[0][3]]
    assert header[:4] == ["查询码", "来源", "主题", "留言内容"]
    assert {row[3] for row in rows} == texts
    for row in rows:
        if row[3] == "路灯坏了":
            assert row[0] == inbox["late"].tracking_code
            assert row[4:6] == ["王建国", "檀溪代表联络站"]
            assert row[9] == "是"
    cells = all_cells(book)
    for personal in ("李大爷", "赵阿姨", "13900001111", "13900002222"):
        assert personal not in cells


@pytest.mark.parametrize("role", [Role.STATION_STAFF, Role.LEADER, Role.DEPUTY])
def test_roles_without_the_right_are_refused(role, tenant_a, client_as, inbox):
    client = client_as(tenant_a.user(role))
    assert client.get(export_url(tenant_a, "messages")).status_code == 403
    assert client.post(export_url(tenant_a, "messages")).status_code == 403
    if role == Role.STATION_STAFF:
        assert 'id="export-excel"' not in client.get(list_url(tenant_a)).content.decode()


def test_outsiders_and_another_congresss_station(tenant_a, tenant_b, client_as, inbox):
    outsider = client_as(tenant_b.user(Role.COMMITTEE_ADMIN))
    assert outsider.get(export_url(tenant_a, "messages")).status_code == 404
    with scopes_disabled():  # test setup
        theirs = LiaisonStationFactory(congress=tenant_b.congress)
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    query = f"station={theirs.pk}"
    assert staff.get(export_url(tenant_a, "messages", query)).context["exporter"] is None
    staff.post(export_url(tenant_a, "messages", query))
    with tenant_a.scope():
        assert not Export.objects.exists()


def test_the_export_runs_a_fixed_number_of_queries(
    tenant_a, client_as, inbox, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    few = count_export_queries(client, tenant_a, "messages", django_capture_on_commit_callbacks)
    with scopes_disabled():  # test setup
        for _index in range(15):
            VoterMessageFactory(congress=tenant_a.congress, station=inbox["station"])
    many = count_export_queries(client, tenant_a, "messages", django_capture_on_commit_callbacks)
    assert many == few
    assert many <= 40
