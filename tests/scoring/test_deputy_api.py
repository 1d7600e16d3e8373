"""The deputy's duty API: records with photos, points, categories, warnings; JSON refusals."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from congress.models import Role
from scoring.models import DutyRecord, DutyRecordPhoto, RankingEntry, RecordStatus, RuleSet
from scoring.services import rule_set_create_from_preset
from tests.factories import (
    DeputyFactory,
    DutyRecordFactory,
    DutyWarningFactory,
    RankingFactory,
)


def api(tenant, path: str) -> str:
    return f"/api/v1/c/{tenant.congress.slug}/my/duties/{path}"


def jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    # A location tag in the EXIF data: the stored photo must not keep it.
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (30.0, 35.0, 0.0)}
    Image.new("RGB", (2400, 1800), (30, 120, 60)).save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def deputy(tenant_a):
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant_a.congress, user=tenant_a.user(Role.DEPUTY))
    with tenant_a.scope():  # test setup
        rule_set_create_from_preset(
            actor=None, congress=tenant_a.congress, year=timezone.localdate().year, preset="six"
        )
    return deputy


@pytest.fixture
def client(tenant_a, client_as):
    return client_as(tenant_a.user(Role.DEPUTY))


def test_a_deputy_reports_a_duty_with_a_photo(tenant_a, deputy, client):
    response = client.post(
        api(tenant_a, "records/"),
        {"category": "study", "description": "参加代表履职培训班", "photos": [jpeg()]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["status_display"] == "等待审核"
    assert body["category_name"] == "学习培训"
    assert body["occurred_on"] == timezone.localdate().isoformat()
    assert len(body["photos"]) == 1
    assert [event["action"] for event in body["events"]] == ["report"]
    with tenant_a.scope():
        record = DutyRecord.objects.get(pk=body["id"])
        assert record.deputy == deputy
        photo = DutyRecordPhoto.objects.get(record=record)
        with Image.open(photo.image.path) as stored:
            assert max(stored.size) <= 1600
            assert not stored.getexif().get_ifd(0x8825)
    detail = client.get(api(tenant_a, f"records/{record.pk}/"))
    assert detail.status_code == 200
    assert detail.json()["id"] == record.pk


@pytest.mark.parametrize(
    ("data", "field", "detail"),
    [
        ({"category": "study", "description": "培训"}, "photos", "学习培训需要附照片作为凭证。"),
        (
            {"category": "absent_without_leave", "description": "缺席"},
            "category",
            "无故缺席人代会由工作人员或系统记录，不用自己填报。",
        ),
        (
            {"category": "congress_meeting", "description": "开会", "occurred_on": "2099-01-01"},
            "occurred_on",
            "日期不能晚于今天。",
        ),
    ],
)
def test_refusals_come_back_as_json(data, field, detail, tenant_a, deputy, client):
    response = client.post(api(tenant_a, "records/"), data)
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "code": "invalid", "field": field}
    with tenant_a.scope():
        assert not DutyRecord.objects.exists()


def test_a_file_that_is_not_a_photo_and_too_many_photos_are_refused(tenant_a, deputy, client):
    text = SimpleUploadedFile("a.jpg", b"hello", content_type="image/jpeg")
    response = client.post(
        api(tenant_a, "records/"),
        {"category": "congress_meeting", "description": "开会", "photos": [text]},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "文件不是可以识别的照片。"
    response = client.post(
        api(tenant_a, "records/"),
        {
            "category": "congress_meeting",
            "description": "开会",
            "photos": [jpeg(f"{n}.jpg") for n in range(7)],
        },
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "最多附 6 张照片。"


def test_missing_fields_are_named(tenant_a, deputy, client):
    response = client.post(api(tenant_a, "records/"), {}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"category", "description"}


def test_the_list_holds_only_my_records(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        DutyRecordFactory(congress=tenant_a.congress, deputy=deputy, description="我的记录")
        DutyRecordFactory(congress=tenant_a.congress, description="别人的记录")
    body = client.get(api(tenant_a, "records/")).json()
    assert body["count"] == 1
    assert body["results"][0]["description"] == "我的记录"


def test_another_deputys_record_is_refused(tenant_a, tenant_b, deputy, client):
    with scopes_disabled():  # test setup
        other = DutyRecordFactory(congress=tenant_a.congress)
        foreign = DutyRecordFactory(congress=tenant_b.congress)
    response = client.get(api(tenant_a, f"records/{other.pk}/"))
    assert response.status_code == 403
    assert response.json()["detail"] == "这是其他代表的履职记录。"
    assert client.get(api(tenant_a, f"records/{foreign.pk}/")).status_code == 404


def test_points_match_the_page(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        DutyRecordFactory(
            congress=tenant_a.congress,
            deputy=deputy,
            occurred_on=timezone.localdate(),
            status=RecordStatus.APPROVED,
        )
        ranking = RankingFactory(
            congress=tenant_a.congress,
            year=2025,
            quarter=3,
            deputy_count=9,
            rule_set=RuleSet.objects.get(congress=tenant_a.congress),
        )
        RankingEntry.objects.create(
            congress=tenant_a.congress,
            ranking=ranking,
            period="quarter",
            deputy=deputy,
            points=Decimal("30"),
            rank=4,
            rank_from_bottom=6,
            previous_points=Decimal("40"),
            previous_rank=2,
        )
    body = client.get(api(tenant_a, "points/")).json()
    assert body["source"] == "live"
    assert body["quarter_scores"]["points"] == "10.00"
    assert body["quarter_scores"]["categories"][0]["name"] == "学习培训"
    assert body["standing"]["label"] == "2025Q3"
    assert body["standing"]["quarter"]["rank"] == 4
    assert body["standing"]["quarter"]["rank_change"] == -2
    assert body["standing"]["quarter"]["points_change"] == "-10.00"
    assert body["standing"]["year"] is None
    ranked = client.get(api(tenant_a, "points/") + "?quarter=2025Q3").json()
    assert ranked["source"] == "ranking"
    assert ranked["quarter_scores"]["points"] == "30.00"


def test_the_categories_of_a_day(tenant_a, deputy, client):
    body = client.get(api(tenant_a, "categories/")).json()
    codes = [item["code"] for item in body]
    assert codes == [
        "congress_meeting",
        "study",
        "inspection",
        "contact_voters",
        "report_to_voters",
    ]
    assert body[1]["evidence_required"] is True
    assert client.get(api(tenant_a, "categories/") + "?date=1999-01-01").json() == []
    response = client.get(api(tenant_a, "categories/") + "?date=yesterday")
    assert response.status_code == 400
    assert response.json()["field"] == "date"


def test_my_warnings(tenant_a, deputy, client):
    with scopes_disabled():  # test setup
        ranking = RankingFactory(
            congress=tenant_a.congress, rule_set=RuleSet.objects.get(congress=tenant_a.congress)
        )
        DutyWarningFactory(
            congress=tenant_a.congress, deputy=deputy, level="red", reason="倒数", raised_by=ranking
        )
    body = client.get(api(tenant_a, "warnings/")).json()
    assert [(row["level"], row["level_display"], row["reason"]) for row in body] == [
        ("red", "红色", "倒数")
    ]


def test_an_account_not_in_the_roster_gets_404_with_a_message(tenant_a, client):
    response = client.get(api(tenant_a, "points/"))
    assert response.status_code == 404
    assert "尚未与代表名册关联" in response.json()["detail"]
    response = client.post(api(tenant_a, "records/"), {"category": "x", "description": "y"})
    assert response.status_code == 404
    assert client.get(api(tenant_a, "records/")).json()["count"] == 0


@pytest.mark.parametrize("role", [Role.COMMITTEE_STAFF, Role.STATION_STAFF, Role.LEADER])
def test_other_roles_are_refused(role, tenant_a, client_as):
    client = client_as(tenant_a.user(role))
    for path in ("records/", "points/", "categories/", "warnings/"):
        assert client.get(api(tenant_a, path)).status_code == 403
    response = client.post(api(tenant_a, "records/"), {"category": "x", "description": "y"})
    assert response.status_code == 403
