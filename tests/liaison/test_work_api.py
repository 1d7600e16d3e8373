"""The reception day and group project API: lists and filters per role, attendance, claiming,
progress with photos over multipart, and the schema."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from PIL import Image

from congress.models import Role
from liaison.models import (
    Attendance,
    GroupProject,
    ProgressPhoto,
    ProjectStatus,
    ReceptionDuty,
    ReceptionStatus,
)
from tests.factories import (
    DeputyFactory,
    DeputyGroupFactory,
    GroupMembershipFactory,
    GroupProjectFactory,
    LiaisonStationFactory,
    MembershipFactory,
    ReceptionDayFactory,
    ReceptionDutyFactory,
    StationStaffFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
FROZEN = datetime(2025, 9, 20, 10, 0, tzinfo=SHANGHAI)


def api(tenant, suffix=""):
    return f"/api/v1/c/{tenant.congress.slug}/{suffix}"


@pytest.fixture(autouse=True)
def frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(FROZEN, tick=False):
        yield FROZEN.date()


@pytest.fixture
def receptions(tenant_a):
    """Two days at tenant A's station staff's station (the deputy account on duty on the first,
    a holiday), one at another station."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        home = LiaisonStationFactory(congress=congress, name="古城街道人大代表之家")
        other = LiaisonStationFactory(congress=congress, name="卧龙镇双沟村人大代表联络站")
        StationStaffFactory(station=home, user=tenant_a.user(Role.STATION_STAFF))
        zhang = DeputyFactory(congress=congress, name="张桂芳", user=tenant_a.user(Role.DEPUTY))
        li = DeputyFactory(congress=congress, name="李建国")
        national_day = ReceptionDayFactory(congress=congress, station=home, date=date(2025, 10, 1))
        today = ReceptionDayFactory(congress=congress, station=home, date=date(2025, 9, 20))
        elsewhere = ReceptionDayFactory(congress=congress, station=other, date=date(2025, 9, 25))
        ReceptionDutyFactory(reception_day=national_day, deputy=zhang)
        ReceptionDutyFactory(reception_day=today, deputy=li)
        ReceptionDutyFactory(reception_day=elsewhere, deputy=li)
    return {
        "national_day": national_day,
        "today": today,
        "elsewhere": elsewhere,
        "home": home,
        "zhang": zhang,
        "li": li,
    }


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_each_role_lists_the_days_it_reaches(tenant_a, receptions, client_as):
    everything = [
        r.pk for r in (receptions["today"], receptions["elsewhere"], receptions["national_day"])
    ]
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    assert _ids(staff.get(api(tenant_a, "receptions/"))) == everything
    assert (
        _ids(client_as(tenant_a.user(Role.LEADER)).get(api(tenant_a, "receptions/"))) == everything
    )
    station = client_as(tenant_a.user(Role.STATION_STAFF))
    assert _ids(station.get(api(tenant_a, "receptions/"))) == [
        receptions["today"].pk,
        receptions["national_day"].pk,
    ]
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    assert _ids(deputy.get(api(tenant_a, "receptions/"))) == [receptions["national_day"].pk]
    assert deputy.get(api(tenant_a, f"receptions/{receptions['today'].pk}/")).status_code == 404
    unit = client_as(tenant_a.user(Role.UNIT_LIAISON))
    assert unit.get(api(tenant_a, "receptions/")).status_code == 403


def test_the_list_filters_by_station_dates_status_and_mine(tenant_a, receptions, client_as):
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    url = api(tenant_a, "receptions/")
    assert _ids(staff.get(url, {"station": receptions["home"].pk})) == [
        receptions["today"].pk,
        receptions["national_day"].pk,
    ]
    assert _ids(staff.get(url, {"date_from": "2025-09-21", "date_to": "2025-09-30"})) == [
        receptions["elsewhere"].pk
    ]
    assert _ids(staff.get(url, {"status": "held"})) == []
    assert _ids(staff.get(url, {"mine": "true"})) == []
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    assert _ids(deputy.get(url, {"mine": "true"})) == [receptions["national_day"].pk]
    assert staff.get(url, {"date_from": "yesterday"}).status_code == 400


def test_a_day_in_detail_with_its_duties_and_the_holiday_mark(tenant_a, receptions, client_as):
    response = client_as(tenant_a.user(Role.DEPUTY)).get(
        api(tenant_a, f"receptions/{receptions['national_day'].pk}/")
    )
    assert response.status_code == 200
    body = response.json()
    assert body["is_day_off"] is True
    assert body["station"]["name"] == "古城街道人大代表之家"
    assert body["status"] == "planned" and body["status_display"] == "计划中"
    assert body["duties"] == [
        {
            "deputy": {"id": receptions["zhang"].pk, "name": "张桂芳"},
            "attendance": "expected",
            "attendance_display": "应到",
            "recorded_by": None,
            "recorded_at": None,
        }
    ]


def test_station_staff_record_attendance_at_their_station(tenant_a, receptions, client_as):
    client = client_as(tenant_a.user(Role.STATION_STAFF))
    day = receptions["today"]
    response = client.post(
        api(tenant_a, f"receptions/{day.pk}/attendance/"),
        {
            "attendance": [{"deputy": receptions["li"].pk, "attendance": "attended"}],
            "visitor_count": 9,
            "summary": "接待群众9人次",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["visitor_count"]) == ("held", 9)
    assert body["duties"][0]["attendance"] == "attended"
    assert body["duties"][0]["recorded_by"] == str(tenant_a.user(Role.STATION_STAFF))
    with tenant_a.scope():
        duty = ReceptionDuty.objects.get(reception_day=day)
        assert duty.recorded_by == tenant_a.user(Role.STATION_STAFF)
        assert duty.history.first().history_user == tenant_a.user(Role.STATION_STAFF)
    elsewhere = client.post(
        api(tenant_a, f"receptions/{receptions['elsewhere'].pk}/attendance/"),
        {"attendance": [], "visitor_count": 1},
        content_type="application/json",
    )
    assert elsewhere.status_code == 403


def test_attendance_refusals_are_clear(tenant_a, receptions, client_as):
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    future = staff.post(
        api(tenant_a, f"receptions/{receptions['national_day'].pk}/attendance/"),
        {
            "attendance": [{"deputy": receptions["zhang"].pk, "attendance": "attended"}],
            "visitor_count": 1,
        },
        content_type="application/json",
    )
    assert future.status_code == 400
    assert future.json()["detail"] == "接待日当天或之后才能登记到岗情况。"
    missing = staff.post(
        api(tenant_a, f"receptions/{receptions['today'].pk}/attendance/"),
        {"attendance": [], "visitor_count": 1},
        content_type="application/json",
    )
    assert missing.status_code == 400
    assert "李建国" in missing.json()["detail"]
    bad = staff.post(
        api(tenant_a, f"receptions/{receptions['today'].pk}/attendance/"),
        {
            "attendance": [{"deputy": receptions["li"].pk, "attendance": "expected"}],
            "visitor_count": -1,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"attendance", "visitor_count"}
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    assert (
        deputy.post(
            api(tenant_a, f"receptions/{receptions['national_day'].pk}/attendance/"), {}
        ).status_code
        == 403
    )
    with tenant_a.scope():
        assert not ReceptionDuty.objects.exclude(attendance=Attendance.EXPECTED).exists()
        assert set(ReceptionDuty.objects.values_list("reception_day__status", flat=True)) == {
            ReceptionStatus.PLANNED
        }


def test_the_reception_list_runs_a_fixed_number_of_queries(tenant_a, receptions, client_as):
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    staff.get(api(tenant_a, "receptions/"))
    with CaptureQueriesContext(connection) as few:
        staff.get(api(tenant_a, "receptions/"))
    with scopes_disabled():  # test setup
        for number in range(20):
            day = ReceptionDayFactory(
                congress=tenant_a.congress,
                station=receptions["home"],
                date=date(2025, 11, number + 1),
            )
            ReceptionDutyFactory(reception_day=day, deputy__congress=tenant_a.congress)
            ReceptionDutyFactory(reception_day=day, deputy__congress=tenant_a.congress)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(api(tenant_a, "receptions/"))
    assert response.json()["count"] == 23
    assert len(many) == len(few)


# Projects ----------------------------------------------------------------------------------


@pytest.fixture
def projects(tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        gucheng = DeputyGroupFactory(congress=congress, name="古城街道代表小组")
        longzhong = DeputyGroupFactory(congress=congress, name="隆中街道代表小组")
        zhang = DeputyFactory(congress=congress, name="张桂芳", user=tenant_a.user(Role.DEPUTY))
        GroupMembershipFactory(group=gucheng, deputy=zhang)
        gucheng.leader = zhang
        gucheng.save()
        mine = GroupProjectFactory(
            congress=congress, group=gucheng, title="古城路灯改造", claimed_on=date(2025, 3, 1)
        )
        theirs = GroupProjectFactory(
            congress=congress,
            group=longzhong,
            title="隆中饮水提升",
            status=ProjectStatus.DONE,
            claimed_on=date(2025, 3, 1),
        )
        old = GroupProjectFactory(congress=congress, group=gucheng, year=2024, title="去年项目")
    return {"gucheng": gucheng, "longzhong": longzhong, "mine": mine, "theirs": theirs, "old": old}


def photo(name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", (1600, 1200), (10, 150, 60))
    exif = Image.Exif()
    exif.get_ifd(0x8825)[2] = (30.0, 33.0, 0.0)
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_projects_per_role_and_filters(tenant_a, projects, client_as):
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    url = api(tenant_a, "projects/")
    assert set(_ids(staff.get(url))) == {
        p.pk for p in (projects["mine"], projects["theirs"], projects["old"])
    }
    assert _ids(staff.get(url, {"year": 2024})) == [projects["old"].pk]
    assert _ids(staff.get(url, {"status": "done"})) == [projects["theirs"].pk]
    assert set(_ids(staff.get(url, {"group": projects["gucheng"].pk}))) == {
        projects["mine"].pk,
        projects["old"].pk,
    }
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    assert set(_ids(deputy.get(url))) == {projects["mine"].pk, projects["old"].pk}
    assert deputy.get(api(tenant_a, f"projects/{projects['theirs'].pk}/")).status_code == 404
    assert client_as(tenant_a.user(Role.STATION_STAFF)).get(url).status_code == 403


def test_claiming_through_the_api(tenant_a, projects, client_as):
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    data = {"year": 2025, "title": "古城独居老人烟感报警器", "goal": "覆盖200户", "budget": "8.5"}
    created = deputy.post(
        api(tenant_a, "projects/"),
        {**data, "group": projects["gucheng"].pk},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["group"]["name"] == "古城街道代表小组"
    assert (body["status"], body["budget"], body["claimed_on"]) == ("claimed", "8.50", "2025-09-20")
    refused = deputy.post(
        api(tenant_a, "projects/"),
        {**data, "group": projects["longzhong"].pk},
        content_type="application/json",
    )
    assert refused.status_code == 403
    with scopes_disabled():  # test setup: a group of another congress
        foreign = DeputyGroupFactory()
    missing = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).post(
        api(tenant_a, "projects/"), {**data, "group": foreign.pk}, content_type="application/json"
    )
    assert missing.status_code == 400
    assert (
        client_as(tenant_a.user(Role.LEADER))
        .post(api(tenant_a, "projects/"), data, content_type="application/json")
        .status_code
        == 403
    )


def test_updating_and_closing_through_the_api(tenant_a, projects, client_as):
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    project = projects["mine"]
    patched = deputy.patch(
        api(tenant_a, f"projects/{project.pk}/"),
        {"partners": "区城管局"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["partners"] == "区城管局"
    group_change = deputy.patch(
        api(tenant_a, f"projects/{project.pk}/"), {"group": 1}, content_type="application/json"
    )
    assert group_change.status_code == 200  # the group is not a field of an update: ignored
    closed = deputy.post(
        api(tenant_a, f"projects/{project.pk}/close/"),
        {"outcome": "改造路灯120盏", "closed_on": "2025-09-19"},
        content_type="application/json",
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["closed_on"]) == ("done", "2025-09-19")
    again = deputy.post(
        api(tenant_a, f"projects/{project.pk}/drop/"),
        {"reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json()["detail"] == "项目已结束，不能再修改。"
    staff = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    dropped = staff.post(
        api(tenant_a, f"projects/{projects['old'].pk}/drop/"),
        {"reason": "资金未落实"},
        content_type="application/json",
    )
    assert dropped.status_code == 200 and dropped.json()["outcome"] == "资金未落实"
    other = deputy.patch(
        api(tenant_a, f"projects/{projects['theirs'].pk}/"),
        {"title": "x"},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_progress_with_photos_over_multipart(tenant_a, projects, client_as):
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    project = projects["mine"]
    response = deputy.post(
        api(tenant_a, f"projects/{project.pk}/progress/"),
        {
            "date": "2025-09-18",
            "text": "完成路灯基础施工",
            "photos": [photo("a.jpg"), photo("b.jpg")],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == "完成路灯基础施工" and len(body["photos"]) == 2
    with tenant_a.scope():
        assert GroupProject.objects.get(pk=project.pk).status == ProjectStatus.IN_PROGRESS
        stored = ProgressPhoto.objects.first()
    with Image.open(stored.image.path) as image:
        assert not image.getexif() and max(image.size) <= 1200
    photo_url = body["photos"][0]["url"]
    assert photo_url.startswith(api(tenant_a, f"projects/{project.pk}/photos/"))
    served = deputy.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    with scopes_disabled():  # test setup: a deputy of another group
        stranger = MembershipFactory(congress=tenant_a.congress, role=Role.DEPUTY).user
    assert client_as(stranger).get(photo_url).status_code == 404
    detail = deputy.get(api(tenant_a, f"projects/{project.pk}/")).json()
    assert detail["progress"][0]["photos"][0]["url"] == photo_url
    assert detail["progress_count"] == 1


def test_a_bad_photo_or_too_many_are_refused(tenant_a, projects, client_as):
    deputy = client_as(tenant_a.user(Role.DEPUTY))
    url = api(tenant_a, f"projects/{projects['mine'].pk}/progress/")
    fake = SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")
    response = deputy.post(url, {"date": "2025-09-18", "text": "进展", "photos": [fake]})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "文件不是可以识别的照片。",
        "code": "invalid",
        "field": "photos",
    }
    many = deputy.post(
        url, {"date": "2025-09-18", "text": "进展", "photos": [photo() for _n in range(4)]}
    )
    assert many.status_code == 400
    with tenant_a.scope():
        assert not ProgressPhoto.objects.exists()


def test_the_schema_stays_clean(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format=openapi-json", stdout=out)
    schema = json.loads(out.getvalue())
    prefix = "/api/v1/c/{congress_slug}/"
    for path in (
        "receptions/",
        "receptions/{reception_id}/",
        "receptions/{reception_id}/attendance/",
        "projects/",
        "projects/{project_id}/",
        "projects/{project_id}/progress/",
        "projects/{project_id}/photos/{progress_photo_id}/",
    ):
        assert prefix + path in schema["paths"]
    progress = schema["paths"][prefix + "projects/{project_id}/progress/"]["post"]
    assert "multipart/form-data" in progress["requestBody"]["content"]
    parameters = {p["name"] for p in schema["paths"][prefix + "receptions/"]["get"]["parameters"]}
    assert {"station", "date_from", "date_to", "status", "mine"} <= parameters
