"""Roster export to Excel through the shared export page: the list's filters honoured, the
template's columns, a download for the person who asked (or staff), a file that imports back
unchanged, and the old addresses of the roster's own export page."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

import pytest
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from congress.models import JobStatus, Role
from deputies.exporters import ROSTER_SHEET
from deputies.importers import HEADERS, MAX_ROWS
from deputies.models import DeputyStatus
from reports.models import Export
from tests.deputies.test_import import XLSX, latest_import, upload
from tests.factories import (
    DeputyFactory,
    GroupMembershipFactory,
    StationDeputyFactory,
)
from tests.reports.exports import download_url, export_url


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def roster(tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        zhang = DeputyFactory(
            congress=congress,
            name="张桂芳",
            gender="female",
            ethnicity="回族",
            birth_date=date(1975, 3, 8),
            party="cpc",
            occupation_class="professional",
            workplace_title="襄城区第一中学校长",
            phone="13971000001",
            level="county",
            term=17,
            electoral_district="第三选区",
        )
        zhao = DeputyFactory(congress=congress, name="赵建国", level="city", phone="13971000002")
        wang = DeputyFactory(
            congress=congress, name="王秀兰", phone="", status=DeputyStatus.RESIGNED
        )
        school = GroupMembershipFactory(
            group__congress=congress, group__name="教育卫生专业小组", deputy=zhang
        ).group
        GroupMembershipFactory(
            group__congress=congress, group__name="古城街道代表小组", deputy=zhang
        )
        GroupMembershipFactory(group=school, deputy=zhao)
        station = StationDeputyFactory(station__congress=congress, deputy=wang).station
    return {"zhang": zhang, "zhao": zhao, "wang": wang, "school": school, "station": station}


def page_url(tenant, query: str = "") -> str:
    return export_url(tenant, "roster", query)


def start_export(client, tenant, capture, query: str = "") -> Export:
    with capture(execute=True):
        response = client.post(page_url(tenant, query))
    assert response.status_code == 302
    with tenant.scope():
        export = Export.objects.select_related("job_run").order_by("-pk").first()
    assert response["Location"].endswith(f"export={export.pk}")
    return export


def download(client, tenant, export):
    return client.get(download_url(tenant, export))


def exported_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(content), read_only=True)
    sheet = book.worksheets[0]
    assert sheet.title == ROSTER_SHEET
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(HEADERS)
    return rows[1:]


def test_staff_export_the_roster_and_download_it(
    tenant_a, roster, client_as, media, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(page_url(tenant_a))
    assert page.status_code == 200
    assert page.context["count"] == 3

    export = start_export(client, tenant_a, django_capture_on_commit_callbacks)

    assert export.job_run.status == JobStatus.SUCCEEDED
    assert export.file_path.startswith(f"exports/{tenant_a.congress.pk}/")
    assert (media / export.file_path).exists()
    status = client.get(page_url(tenant_a), {"export": export.pk}).content.decode()
    assert download_url(tenant_a, export) in status
    assert 'hx-trigger="every 1s"' not in status

    response = download(client, tenant_a, export)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    today = export.file_name
    assert today.startswith("代表名册-") and today.endswith(".xlsx")
    assert f"filename*=UTF-8''{quote(today)}" in response["Content-Disposition"]
    rows = {row[0]: row for row in exported_rows(response)}
    assert set(rows) == {"张桂芳", "赵建国", "王秀兰"}
    assert rows["张桂芳"] == [
        "张桂芳",
        "女",
        "回族",
        rows["张桂芳"][3],
        "中共党员",
        "专业技术人员",
        "襄城区第一中学校长",
        "13971000001",
        "县级人大代表",
        17,
        "第三选区",
        "古城街道代表小组、教育卫生专业小组",
    ]
    assert rows["张桂芳"][3].date() == date(1975, 3, 8)
    assert rows["王秀兰"][7] is None  # no phone: an empty cell


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?level=city", {"赵建国"}),
        ("?status=resigned", {"王秀兰"}),
        ("?q=zgf", {"张桂芳"}),
        ("?q=王", {"王秀兰"}),
        ("?level=no-such-level", {"张桂芳", "赵建国", "王秀兰"}),
    ],
)
def test_the_export_honours_the_list_filters(
    query, expected, tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    export = start_export(client, tenant_a, django_capture_on_commit_callbacks, query)
    assert {row[0] for row in exported_rows(download(client, tenant_a, export))} == expected


def test_the_export_filters_by_group_and_station(
    tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(page_url(tenant_a), {"group": roster["school"].pk})
    assert "教育卫生专业小组" in page.content.decode() and page.context["count"] == 2

    by_group = start_export(
        client, tenant_a, django_capture_on_commit_callbacks, f"?group={roster['school'].pk}"
    )
    by_station = start_export(
        client, tenant_a, django_capture_on_commit_callbacks, f"?station={roster['station'].pk}"
    )

    assert {row[0] for row in exported_rows(download(client, tenant_a, by_group))} == {
        "张桂芳",
        "赵建国",
    }
    assert {row[0] for row in exported_rows(download(client, tenant_a, by_station))} == {"王秀兰"}


def test_a_filter_naming_another_congresss_group_is_refused(tenant_a, tenant_b, roster, client_as):
    with scopes_disabled():  # test setup
        theirs = GroupMembershipFactory(group__congress=tenant_b.congress).group
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(page_url(tenant_a), {"group": theirs.pk})
    assert page.status_code == 200
    assert page.context["exporter"] is None
    assert 'data-testid="export-start"' not in page.content.decode()
    client.post(page_url(tenant_a, f"group={theirs.pk}"))
    with tenant_a.scope():
        assert not Export.objects.exists()


def test_an_exported_roster_imports_back_unchanged(
    tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    export = start_export(client, tenant_a, django_capture_on_commit_callbacks)
    content = b"".join(download(client, tenant_a, export).streaming_content)

    upload(client, tenant_a, content, django_capture_on_commit_callbacks, name="导出.xlsx")

    roster_import = latest_import(tenant_a)
    assert roster_import.errors == []
    assert roster_import.summary["counts"] == {
        "create": 0,
        "update": 0,
        "unchanged": 3,
        "error": 0,
        "total": 3,
    }


def test_a_leader_exports_but_downloads_only_their_own_files(
    tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    leader = client_as(tenant_a.user(Role.LEADER))
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    leaders_export = start_export(leader, tenant_a, django_capture_on_commit_callbacks)
    staffs_export = start_export(staff, tenant_a, django_capture_on_commit_callbacks)

    assert download(leader, tenant_a, leaders_export).status_code == 200
    assert download(leader, tenant_a, staffs_export).status_code == 404
    assert download(staff, tenant_a, leaders_export).status_code == 200
    # The leader's page lists only the leader's own exports.
    page = leader.get(page_url(tenant_a))
    assert [made.pk for made in page.context["recent"]] == [leaders_export.pk]
    assert leader.get(page_url(tenant_a), {"export": staffs_export.pk}).status_code == 404


@pytest.mark.parametrize("role", [Role.STATION_STAFF, Role.DEPUTY, Role.UNIT_LIAISON])
def test_other_roles_cannot_export(role, tenant_a, roster, client_as):
    client = client_as(tenant_a.user(role))
    assert client.get(page_url(tenant_a)).status_code == 403
    assert client.post(page_url(tenant_a)).status_code == 403
    with tenant_a.scope():
        assert not Export.objects.exists()


def test_an_outsider_does_not_find_the_export_page(tenant_a, tenant_b, roster, client_as):
    client = client_as(tenant_b.user(Role.COMMITTEE_ADMIN))
    assert client.get(page_url(tenant_a)).status_code == 404
    assert client.post(page_url(tenant_a)).status_code == 404


def test_the_status_polls_while_the_export_runs(tenant_a, roster, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    # Not running the job after the request: it stays queued.
    response = client.post(page_url(tenant_a, "level=city"))
    status = client.get(response["Location"])
    fragment = client.get(
        response["Location"], headers={"HX-Request": "true", "HX-Target": "export-status"}
    )

    assert 'hx-trigger="every 1s"' in status.content.decode()
    assert "level=city" in response["Location"]
    assert fragment.content.decode().strip().startswith('<div id="export-status"')
    assert "<progress" in fragment.content.decode()


def test_text_that_looks_like_a_formula_is_exported_as_text(
    tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    """A roster entry must never become a live formula in the workbook a leader opens."""
    with scopes_disabled():  # test setup
        roster["zhang"].workplace_title = '=HYPERLINK("http://example.invalid","点击")'
        roster["zhang"].save()
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    export = start_export(client, tenant_a, django_capture_on_commit_callbacks)
    content = b"".join(download(client, tenant_a, export).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cell = next(row[6] for row in sheet.iter_rows(min_row=2) if row[0].value == "张桂芳")
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.invalid","点击")'


def test_the_file_keeps_the_templates_dropdowns_guide_and_hidden_lists(
    tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    export = start_export(client, tenant_a, django_capture_on_commit_callbacks)
    content = b"".join(download(client, tenant_a, export).streaming_content)
    book = load_workbook(io.BytesIO(content))
    roster_sheet, guide, lists = book.worksheets
    assert roster_sheet.freeze_panes == "A2"
    assert lists.sheet_state == "hidden"
    assert [cell.value for cell in lists[1]] == ["代表层级", "性别", "政治面貌", "职业类别", "民族"]
    assert "县级人大代表" in [row[0].value for row in lists.iter_rows(min_row=2)]
    validations = {
        str(item.sqref): item.formula1 for item in roster_sheet.data_validations.dataValidation
    }
    # The level column (I) takes its dropdown from the first column of the list sheet.
    assert validations[f"I2:I{MAX_ROWS + 1}"] == f"'{lists.title}'!$A$2:$A$6"
    assert guide["A2"].value == "姓名"
