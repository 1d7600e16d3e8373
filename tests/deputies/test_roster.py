"""Roster pages: search by name and pinyin, filters, fixed queries, profile, edits, status."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from PIL import Image

from congress.models import Membership, Role, User
from deputies.models import Deputy, DeputyStatus, DeputyStatusChange
from tests.factories import (
    DeputyFactory,
    GroupMembershipFactory,
    StationDeputyFactory,
    StationStaffFactory,
)


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/deputies/{suffix}"


@pytest.fixture
def roster(tenant_a):
    with scopes_disabled():  # test setup
        return {
            "zhang": DeputyFactory(congress=tenant_a.congress, name="张桂芳", phone="13971000011"),
            "zhao": DeputyFactory(
                congress=tenant_a.congress, name="赵建国", level="city", phone="13971000012"
            ),
            "wang": DeputyFactory(
                congress=tenant_a.congress, name="王秀兰", status=DeputyStatus.RESIGNED
            ),
        }


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


def names(response) -> list[str]:
    return [deputy.name for deputy in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张", ["张桂芳"]),
        ("zgf", ["张桂芳"]),
        ("ZGF", ["张桂芳"]),
        ("zhangg", ["张桂芳"]),
        ("z", ["张桂芳", "赵建国"]),
        ("1397100001", ["张桂芳", "赵建国"]),
        ("13971000012", ["赵建国"]),
        ("不存在", []),
    ],
)
def test_search_by_name_initials_pinyin_or_phone(roster, staff, tenant_a, query, expected):
    assert names(staff.get(url(tenant_a), {"q": query})) == expected


def test_the_list_is_in_pinyin_order_and_shows_only_this_congress(
    roster, staff, tenant_a, tenant_b
):
    with scopes_disabled():  # test setup
        DeputyFactory(congress=tenant_b.congress, name="阿依古丽")
    assert names(staff.get(url(tenant_a))) == ["王秀兰", "张桂芳", "赵建国"]


def test_filters(roster, staff, tenant_a):
    with scopes_disabled():  # test setup
        group = GroupMembershipFactory(
            group__congress=tenant_a.congress, deputy=roster["zhang"]
        ).group
        station = StationDeputyFactory(
            station__congress=tenant_a.congress, deputy=roster["zhao"]
        ).station
    assert names(staff.get(url(tenant_a), {"level": "city"})) == ["赵建国"]
    assert names(staff.get(url(tenant_a), {"status": "resigned"})) == ["王秀兰"]
    assert names(staff.get(url(tenant_a), {"group": group.pk})) == ["张桂芳"]
    assert names(staff.get(url(tenant_a), {"station": station.pk})) == ["赵建国"]
    # Nonsense filter values are ignored rather than failing the page.
    response = staff.get(url(tenant_a), {"level": "emperor", "group": "x", "page": "zz"})
    assert response.status_code == 200
    assert len(names(response)) == 3


def test_htmx_filter_returns_the_table_only(roster, staff, tenant_a):
    response = staff.get(
        url(tenant_a), {"q": "zgf"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="deputy-table"
    )
    body = response.content.decode()
    assert body.strip().startswith('<div id="deputy-table">')
    assert "张桂芳" in body and "赵建国" not in body


def test_the_list_runs_the_same_queries_for_10_or_50_deputies(staff, tenant_a):
    def make(count):
        with scopes_disabled():  # test setup
            for _n in range(count):
                deputy = DeputyFactory(congress=tenant_a.congress)
                GroupMembershipFactory(group__congress=tenant_a.congress, deputy=deputy)
                StationDeputyFactory(station__congress=tenant_a.congress, deputy=deputy)

    make(10)
    staff.get(url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        staff.get(url(tenant_a))
    make(40)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url(tenant_a))
    assert len(response.context["page"].object_list) == 50
    assert len(many) == len(few) <= 12


def test_station_staff_see_only_their_stations_deputies(roster, tenant_a, client_as):
    station_user = tenant_a.user(Role.STATION_STAFF)
    with scopes_disabled():  # test setup
        station = StationDeputyFactory(
            station__congress=tenant_a.congress, deputy=roster["zhang"]
        ).station
        StationStaffFactory(station=station, user=station_user)
        other = StationDeputyFactory(
            station__congress=tenant_a.congress, deputy=roster["zhao"]
        ).station
        GroupMembershipFactory(group__congress=tenant_a.congress, deputy=roster["zhao"])
    client = client_as(station_user)
    response = client.get(url(tenant_a))
    assert names(response) == ["张桂芳"]
    # The filters offer only what the station staff may see: their station, no groups.
    assert response.context["stations"] == [(station.pk, station.name)]
    assert response.context["groups"] == []
    assert other.name not in response.content.decode()
    assert client.get(url(tenant_a, f"{roster['zhang'].pk}/")).status_code == 200
    assert client.get(url(tenant_a, f"{roster['zhao'].pk}/")).status_code == 403


def test_the_profile_page(roster, staff, tenant_a):
    zhang = roster["zhang"]
    with scopes_disabled():  # test setup
        GroupMembershipFactory(
            group__congress=tenant_a.congress, group__name="真武山街道代表小组", deputy=zhang
        )
    body = staff.get(url(tenant_a, f"{zhang.pk}/")).content.decode()
    assert "张桂芳" in body
    assert "真武山街道代表小组" in body
    assert "13971000011" in body
    assert zhang.public_token in body


def test_a_deputy_cannot_read_the_roster(roster, tenant_a, client_as):
    client = client_as(tenant_a.user(Role.DEPUTY))
    assert client.get(url(tenant_a)).status_code == 403
    assert client.get(url(tenant_a, f"{roster['zhang'].pk}/")).status_code == 403


def valid_form(**changes):
    data = {
        "name": "周玉兰",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": "1972-05-09",
        "party": "cpc",
        "occupation_class": "professional",
        "workplace_title": "襄阳市中心医院主任医师",
        "phone": "13971000099",
        "level": "county",
        "term": "17",
        "electoral_district": "第3选区",
    }
    data.update(changes)
    return data


def test_add_a_deputy_records_who_did_it(staff, tenant_a):
    response = staff.post(url(tenant_a, "new/"), valid_form())
    assert response.status_code == 302
    with tenant_a.scope():
        deputy = Deputy.objects.get(phone="13971000099")
        record = Deputy.history.get(id=deputy.pk)
    assert deputy.name_initials == "zyl"
    assert deputy.birth_date == date(1972, 5, 9)
    assert record.history_user == tenant_a.user(Role.COMMITTEE_STAFF)
    assert record.history_changes["name"] == ["", "周玉兰"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "该字段是必填项。"),
        ({"phone": "1234"}, "phone", "请输入11位手机号。"),
        ({"phone": "13971000011"}, "phone", "名册中已有代表使用这个手机号。"),
        ({"birth_date": "1972-13-40"}, "birth_date", "输入一个有效的日期。"),
        ({"birth_date": "2999-01-01"}, "birth_date", "请输入真实的出生日期。"),
        ({"level": "emperor"}, "level", "emperor"),
        ({"term": "十七"}, "term", "输入整数。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_kept(roster, staff, tenant_a, changes, field, message):
    response = staff.post(url(tenant_a, "new/"), valid_form(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="襄阳市中心医院主任医师"' in response.content.decode()
    with tenant_a.scope():
        assert not Deputy.objects.filter(name="周玉兰").exists()


def photo_upload(name="photo.jpg", size=(800, 1000)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif.get_ifd(0x8825)[2] = (30.0, 33.0, 0.0)  # a GPS latitude
    image.save(buffer, format="JPEG", exif=exif)
    buffer.seek(0)
    with Image.open(buffer) as check:
        assert check.getexif().get_ifd(0x8825)  # the upload really carries a position
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_photo_is_stored_without_location_data(roster, staff, tenant_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    zhang = roster["zhang"]
    data = valid_form(phone=zhang.phone, name=zhang.name)
    data["photo"] = photo_upload()
    response = staff.post(url(tenant_a, f"{zhang.pk}/edit/"), data)
    assert response.status_code == 302
    with tenant_a.scope():
        zhang.refresh_from_db()
    with Image.open(zhang.photo.path) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) <= 1200
        assert not stored.getexif()


def test_a_file_that_is_not_a_photo_is_refused(roster, staff, tenant_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    zhang = roster["zhang"]
    data = valid_form(phone=zhang.phone, name=zhang.name)
    data["photo"] = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")
    response = staff.post(url(tenant_a, f"{zhang.pk}/edit/"), data)
    assert response.status_code == 200
    assert "photo" in response.context["form"].errors


def test_change_status_keeps_date_reason_and_who(roster, staff, tenant_a):
    zhang = roster["zhang"]
    response = staff.post(
        url(tenant_a, f"{zhang.pk}/status/"),
        {"status": "resigned", "changed_on": "2025-06-30", "reason": "因工作调动辞职"},
    )
    assert response.status_code == 302
    with tenant_a.scope():
        zhang.refresh_from_db()
        change = DeputyStatusChange.objects.get(deputy=zhang)
    assert zhang.status == DeputyStatus.RESIGNED
    assert zhang.status_changed_on == date(2025, 6, 30)
    assert (change.from_status, change.to_status) == ("serving", "resigned")
    assert change.reason == "因工作调动辞职"
    assert change.recorded_by == tenant_a.user(Role.COMMITTEE_STAFF)
    page = staff.get(url(tenant_a, f"{zhang.pk}/")).content.decode()
    assert "因工作调动辞职" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "serving", "changed_on": "2025-06-30", "reason": "x"}, "已经是这个状态"),
        ({"status": "resigned", "changed_on": "2999-01-01", "reason": "x"}, "不能晚于今天"),
        ({"status": "resigned", "changed_on": "2025-06-30", "reason": "   "}, "必填"),
    ],
)
def test_bad_status_changes_are_refused(roster, staff, tenant_a, data, message):
    zhang = roster["zhang"]
    response = staff.post(url(tenant_a, f"{zhang.pk}/status/"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    with tenant_a.scope():
        assert not DeputyStatusChange.objects.exists()


def test_create_a_sign_in_account_for_a_deputy(roster, staff, tenant_a, client):
    zhang = roster["zhang"]
    response = staff.post(url(tenant_a, f"{zhang.pk}/account/"), {"password": "Xiangcheng-2026"})
    assert response.status_code == 302
    user = User.objects.get(username="13971000011")
    with tenant_a.scope():
        zhang.refresh_from_db()
        assert Membership.objects.get(user=user).role == Role.DEPUTY
    assert zhang.user == user
    assert (
        client.post(
            "/accounts/login/", {"username": "13971000011", "password": "Xiangcheng-2026"}
        ).status_code
        == 302
    )
    again = staff.post(url(tenant_a, f"{zhang.pk}/account/"), {"password": "Xiangcheng-2026"})
    assert again.status_code == 400
    assert "已有账号" in again.content.decode()


def test_a_deputy_sees_their_roster_entry_on_the_phone_home(tenant_a, client_as):
    deputy_user = tenant_a.user(Role.DEPUTY)
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress, user=deputy_user, level="city")
        GroupMembershipFactory(
            group__congress=tenant_a.congress, group__name="庞公街道代表小组", deputy=deputy
        )
    body = client_as(deputy_user).get(f"/c/{tenant_a.congress.slug}/").content.decode()
    assert "我的代表信息" in body
    assert "庞公街道代表小组" in body
    assert f"/p/{tenant_a.congress.slug}/d/{deputy.public_token}/" in body


@pytest.mark.parametrize(
    ("name", "pinyin", "initials"),
    [
        ("张桂芳", "zhangguifang", "zgf"),
        ("曾新民", "zengxinmin", "zxm"),
        ("单雄信", "shanxiongxin", "sxx"),
    ],
)
def test_pinyin_reads_surnames_as_surnames(name, pinyin, initials):
    from deputies.models import name_pinyin

    assert name_pinyin(name) == (pinyin, initials)


def test_an_existing_account_is_linked_and_keeps_its_password(roster, staff, tenant_a):
    from tests.factories import UserFactory

    zhang = roster["zhang"]
    existing = UserFactory(username=zhang.phone)
    response = staff.post(url(tenant_a, f"{zhang.pk}/account/"), {"password": ""}, follow=True)
    body = response.content.decode()
    assert "已关联已有账号" in body and "密码保持不变" in body
    existing.refresh_from_db()
    assert existing.check_password("Test-password-2026")
    with tenant_a.scope():
        zhang.refresh_from_db()
        assert Membership.objects.get(user=existing).role == Role.DEPUTY
    assert zhang.user == existing


def test_a_new_account_needs_a_password(roster, staff, tenant_a):
    zhang = roster["zhang"]
    response = staff.post(url(tenant_a, f"{zhang.pk}/account/"), {"password": ""})
    assert response.status_code == 400
    assert "新账号请设置初始密码。" in response.content.decode()
    assert not User.objects.filter(username=zhang.phone).exists()


@pytest.mark.parametrize("term", ["0", "100", "99999999"])
def test_the_term_must_be_a_real_congress_number(staff, tenant_a, term):
    response = staff.post(url(tenant_a, "new/"), valid_form(term=term))
    assert response.status_code == 200
    assert "term" in response.context["form"].errors


def test_a_deputy_sees_their_next_reception_day_on_the_phone_home(tenant_a, client_as):
    import time_machine

    from tests.factories import ReceptionDutyFactory

    deputy_user = tenant_a.user(Role.DEPUTY)
    with time_machine.travel("2026-11-21 09:00 +0800", tick=False):
        with scopes_disabled():  # test setup
            deputy = DeputyFactory(congress=tenant_a.congress, user=deputy_user)
            ReceptionDutyFactory(
                reception_day__congress=tenant_a.congress,
                reception_day__date=date(2026, 12, 1),
                reception_day__station__name="真武山街道人大代表之家",
                deputy=deputy,
            )
        body = client_as(deputy_user).get(f"/c/{tenant_a.congress.slug}/").content.decode()
    assert "真武山街道人大代表之家" in body
    assert "2026年12月1日" in body
