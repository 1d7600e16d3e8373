"""Roster export to Excel: a background job honouring the list's filters, the template's columns,
a download for the person who asked (or staff), and a file that imports back unchanged."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import quote

import pytest
from django.core.files.storage import default_storage
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from congress.models import JobRun, JobStatus, Role
from deputies.importers import HEADERS
from deputies.models import DeputyStatus
from tests.deputies.test_import import XLSX, base, latest_import, upload
from tests.factories import (
    DeputyFactory,
    GroupMembershipFactory,
    JobRunFactory,
    StationDeputyFactory,
)


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


def export_url(tenant) -> str:
    return f"{base(tenant)}export/"


def start_export(client, tenant, capture, query: str = "") -> JobRun:
    with capture(execute=True):
        response = client.post(f"{export_url(tenant)}{query}")
    assert response.status_code == 302
    with tenant.scope():
        job = JobRun.objects.order_by("-pk").first()
    assert response["Location"].endswith(f"job={job.pk}")
    return job


def download(client, tenant, job):
    return client.get(f"{export_url(tenant)}{job.pk}/")


def exported_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(HEADERS)
    return rows[1:]


def test_staff_export_the_roster_and_download_it(
    tenant_a, roster, client_as, media, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(export_url(tenant_a))
    assert page.status_code == 200
    assert "导出3名代表" in page.content.decode()

    job = start_export(client, tenant_a, django_capture_on_commit_callbacks)

    assert job.status == JobStatus.SUCCEEDED
    assert job.result["count"] == 3
    assert job.result["path"].startswith(f"exports/{tenant_a.congress.pk}/")
    assert (media / job.result["path"]).exists()
    status = client.get(export_url(tenant_a), {"job": job.pk}).content.decode()
    assert "已导出3名代表。" in status
    assert f"{export_url(tenant_a)}{job.pk}/" in status
    assert 'hx-trigger="every 1s"' not in status

    response = download(client, tenant_a, job)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    today = job.result["file_name"]
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
    job = start_export(client, tenant_a, django_capture_on_commit_callbacks, query)
    assert {row[0] for row in exported_rows(download(client, tenant_a, job))} == expected


def test_the_export_filters_by_group_and_station(
    tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(export_url(tenant_a), {"group": roster["school"].pk}).content.decode()
    assert "教育卫生专业小组" in page and "导出2名代表" in page

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


def test_a_filter_naming_another_congresss_group_is_not_found(
    tenant_a, tenant_b, roster, client_as
):
    with scopes_disabled():  # test setup
        theirs = GroupMembershipFactory(group__congress=tenant_b.congress).group
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    assert client.get(export_url(tenant_a), {"group": theirs.pk}).status_code == 404
    assert client.post(f"{export_url(tenant_a)}?group={theirs.pk}").status_code == 404


def test_an_exported_roster_imports_back_unchanged(
    tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    job = start_export(client, tenant_a, django_capture_on_commit_callbacks)
    content = b"".join(download(client, tenant_a, job).streaming_content)

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
    leaders_job = start_export(leader, tenant_a, django_capture_on_commit_callbacks)
    staff_job = start_export(staff, tenant_a, django_capture_on_commit_callbacks)

    assert download(leader, tenant_a, leaders_job).status_code == 200
    assert download(leader, tenant_a, staff_job).status_code == 403
    assert download(staff, tenant_a, leaders_job).status_code == 200
    # The leader's page lists only the leader's own exports.
    page = leader.get(export_url(tenant_a))
    assert [job.pk for job in page.context["recent"]] == [leaders_job.pk]
    assert leader.get(export_url(tenant_a), {"job": staff_job.pk}).status_code == 403


@pytest.mark.parametrize("role", [Role.STATION_STAFF, Role.DEPUTY, Role.UNIT_LIAISON])
def test_other_roles_cannot_export(role, tenant_a, roster, client_as):
    client = client_as(tenant_a.user(role))
    assert client.get(export_url(tenant_a)).status_code == 403
    assert client.post(export_url(tenant_a)).status_code == 403
    with scopes_disabled():  # test setup
        job = JobRunFactory(congress=tenant_a.congress, created_by=tenant_a.user(role))
    assert download(client, tenant_a, job).status_code == 403
    with tenant_a.scope():
        assert JobRun.objects.filter(created_by=tenant_a.user(role)).count() == 1


def test_a_job_that_is_not_a_finished_export_has_nothing_to_download(
    tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    with scopes_disabled():  # test setup
        other = JobRunFactory(congress=tenant_a.congress, status=JobStatus.SUCCEEDED)
    job = start_export(client, tenant_a, django_capture_on_commit_callbacks)
    default_storage.delete(job.result["path"])

    for unavailable in (other, job):
        response = download(client, tenant_a, unavailable)
        assert response.status_code == 200
        assert "文件无法下载" in response.content.decode()


def test_the_status_polls_while_the_export_runs(tenant_a, roster, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    # Not running the job after the request: it stays queued.
    response = client.post(f"{export_url(tenant_a)}?level=city")
    status = client.get(response["Location"])
    fragment = client.get(
        response["Location"], headers={"HX-Request": "true", "HX-Target": "export-status"}
    )

    assert 'hx-trigger="every 1s"' in status.content.decode()
    assert "level=city" in response["Location"]
    assert fragment.content.decode().strip().startswith('<div id="export-status"')
    assert "刷新页面查看是否完成" in fragment.content.decode()


def test_text_that_looks_like_a_formula_is_exported_as_text(
    tenant_a, roster, client_as, django_capture_on_commit_callbacks
):
    """A roster entry must never become a live formula in the workbook a leader opens."""
    with scopes_disabled():  # test setup
        roster["zhang"].workplace_title = '=HYPERLINK("http://example.invalid","点击")'
        roster["zhang"].save()
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    job = start_export(client, tenant_a, django_capture_on_commit_callbacks)
    content = b"".join(download(client, tenant_a, job).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cell = next(row[6] for row in sheet.iter_rows(min_row=2) if row[0].value == "张桂芳")
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.invalid","点击")'
