"""The deputy's duty pages on the phone: points, reporting a duty, records, warnings."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from congress.models import Role
from scoring.models import (
    DutyQuarter,
    DutyRecord,
    DutyRecordEvent,
    DutyRecordPhoto,
    RankingCategoryScore,
    RankingEntry,
    RankingGroupEntry,
    RecordStatus,
    quarter_of,
)
from scoring.selectors import previous_quarter
from scoring.services import rule_set_create_from_preset
from tests.factories import (
    DeputyFactory,
    DeputyGroupFactory,
    DutyRecordFactory,
    DutyWarningFactory,
    RankingFactory,
    WarningRuleFactory,
)


def url(tenant, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"congress_slug": tenant.congress.slug, **kwargs})


def my_deputy(tenant, **fields):
    with scopes_disabled():  # test setup
        return DeputyFactory(congress=tenant.congress, user=tenant.user(Role.DEPUTY), **fields)


def six_rules(tenant, year: int | None = None):
    with tenant.scope():  # test setup
        return rule_set_create_from_preset(
            actor=None,
            congress=tenant.congress,
            year=year or timezone.localdate().year,
            preset="six",
        )


def jpeg(name: str = "photo.jpg", size=(800, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 40, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def deputy_client(tenant_a, client_as):
    return client_as(tenant_a.user(Role.DEPUTY))


def report(client, tenant, **fields):
    data = {
        "category": "congress_meeting",
        "occurred_on": timezone.localdate().isoformat(),
        "description": "参加区人代会第三次会议",
        **fields,
    }
    return client.post(url(tenant, "my_duties:report"), data)


# Who may see the pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["my_duties:home", "my_duties:report", "my_duties:records", "my_duties:warnings"]
)
def test_the_pages_answer_a_deputy_and_refuse_other_roles(name, tenant_a, client_as):
    my_deputy(tenant_a)
    six_rules(tenant_a)
    assert client_as(tenant_a.user(Role.DEPUTY)).get(url(tenant_a, name)).status_code == 200
    for role in (Role.COMMITTEE_STAFF, Role.STATION_STAFF, Role.LEADER, Role.UNIT_LIAISON):
        assert client_as(tenant_a.user(role)).get(url(tenant_a, name)).status_code == 403


def test_an_account_not_in_the_roster_is_told_so(tenant_a, deputy_client):
    for name in ("my_duties:home", "my_duties:report"):
        response = deputy_client.get(url(tenant_a, name))
        assert response.status_code == 200
        assert "您的账号尚未与代表名册关联" in response.content.decode()
    response = report(deputy_client, tenant_a)
    assert response.status_code == 200
    with tenant_a.scope():
        assert not DutyRecord.objects.exists()


# Reporting a duty --------------------------------------------------------------------------


def test_the_form_offers_the_self_reported_categories_and_marks_evidence(tenant_a, deputy_client):
    my_deputy(tenant_a)
    six_rules(tenant_a)
    page = deputy_client.get(url(tenant_a, "my_duties:report")).content.decode()
    for name in ("参加人代会", "学习培训", "视察调研", "联系选民"):
        assert name in page
    assert "无故缺席人代会" not in page  # a deduction: staff enter it
    assert "提出建议" not in page  # scored from accepted suggestions
    # Study, inspection, contacting voters and reporting to voters need evidence.
    assert page.count("需附照片") == 4
    assert 'capture="environment"' in page
    assert 'accept="image/*"' in page
    assert "js/duty-photos.js" in page
    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_a_deputy_reports_a_duty_with_photos(tenant_a, deputy_client):
    deputy = my_deputy(tenant_a)
    six_rules(tenant_a)
    response = report(
        deputy_client,
        tenant_a,
        category="study",
        description="参加代表履职培训班",
        photos=[jpeg("a.jpg"), jpeg("b.jpg")],
    )
    with tenant_a.scope():
        record = DutyRecord.objects.get()
        assert record.deputy == deputy
        assert record.status == RecordStatus.SUBMITTED
        assert record.category_name == "学习培训"
        assert DutyRecordPhoto.objects.filter(record=record).count() == 2
        assert DutyRecordEvent.objects.get(record=record).action == "report"
    assert response.status_code == 302
    assert response.url == url(tenant_a, "my_duties:record", record_id=record.pk)
    page = deputy_client.get(response.url).content.decode()
    assert "履职记录已提交，等待联络站审核。" in page
    assert "等待审核" in page
    assert "参加代表履职培训班" in page
    assert "已提交" in page  # the history


@pytest.mark.parametrize(
    ("fields", "message", "field_id"),
    [
        (
            {"occurred_on": "FUTURE"},
            "日期不能晚于今天。",
            "id_occurred_on",
        ),
        ({"category": "study"}, "学习培训需要附照片作为凭证。", "id_photos"),
        (
            {"category": "absent_without_leave"},
            "无故缺席人代会由工作人员或系统记录，不用自己填报。",
            "category-field",
        ),
        ({"category": "no_such_thing"}, "请选择一个类别。", "category-field"),
        ({"category": ""}, "请选择履职类别。", "category-field"),
        ({"description": "   "}, "请简单写一下做了什么。", "id_description"),
        ({"occurred_on": "2026-13-45"}, "请输入正确的日期，例如 2026-05-01。", "id_occurred_on"),
    ],
)
def test_refusals_are_shown_on_the_form_and_keep_the_input(
    fields, message, field_id, tenant_a, deputy_client
):
    my_deputy(tenant_a)
    six_rules(tenant_a)
    if fields.get("occurred_on") == "FUTURE":
        fields = {"occurred_on": (timezone.localdate() + timedelta(days=1)).isoformat()}
    description = fields.get("description", "走访选民张某某，了解诉求")
    response = report(deputy_client, tenant_a, **{**fields, "description": description})
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    # The message sits in the field's own block.
    assert page.index(message) > page.index(field_id)
    if description.strip():
        assert description in page
    with tenant_a.scope():
        assert not DutyRecord.objects.exists()


def test_a_closed_quarter_takes_no_more_records(tenant_a, deputy_client):
    my_deputy(tenant_a)
    today = timezone.localdate()
    year, quarter = previous_quarter(today.year, quarter_of(today))
    six_rules(tenant_a, year=year)
    if year != today.year:
        six_rules(tenant_a)
    with scopes_disabled():  # test setup
        DutyQuarter.objects.create(
            congress=tenant_a.congress, year=year, quarter=quarter, status="closed"
        )
    day = f"{year}-{3 * quarter:02d}-15"
    response = report(deputy_client, tenant_a, occurred_on=day)
    assert response.status_code == 400
    assert f"{year}Q{quarter} 已关闭" in response.content.decode()


def test_too_many_photos_or_a_file_that_is_not_a_photo_are_refused(tenant_a, deputy_client):
    my_deputy(tenant_a)
    six_rules(tenant_a)
    response = report(deputy_client, tenant_a, photos=[jpeg(f"{n}.jpg") for n in range(7)])
    assert response.status_code == 400
    page = response.content.decode()
    assert "最多附 6 张照片。" in page
    assert "请重新选择照片" in page
    text = SimpleUploadedFile("notes.jpg", b"not a photo at all", content_type="image/jpeg")
    response = report(deputy_client, tenant_a, photos=[text])
    assert response.status_code == 400
    assert "文件不是可以识别的照片。" in response.content.decode()
    with tenant_a.scope():
        assert not DutyRecord.objects.exists()
        assert not DutyRecordPhoto.objects.exists()


# Records -----------------------------------------------------------------------------------


def test_the_records_show_their_review_status(tenant_a, deputy_client):
    deputy = my_deputy(tenant_a)
    with scopes_disabled():  # test setup
        make = DutyRecordFactory
        make(
            congress=tenant_a.congress, deputy=deputy, status="submitted", category_name="视察调研"
        )
        make(congress=tenant_a.congress, deputy=deputy, status="approved")
        make(
            congress=tenant_a.congress,
            deputy=deputy,
            status="rejected",
            reject_reason="照片与活动不符",
        )
        make(congress=tenant_a.congress, deputy=deputy, status="confirmed", points=Decimal("10"))
        DutyRecordFactory(congress=tenant_a.congress, description="别人的记录")
    page = deputy_client.get(url(tenant_a, "my_duties:records")).content.decode()
    assert page.count('class="duty-card"') == 4
    for text in ("等待审核", "已通过", "未通过", "照片与活动不符", "已确认", "10 分"):
        assert text in page, text
    assert "别人的记录" not in page


def test_the_records_filter_by_quarter_and_a_bad_quarter_shows_all(tenant_a, deputy_client):
    from datetime import date

    deputy = my_deputy(tenant_a)
    with scopes_disabled():  # test setup
        DutyRecordFactory(
            congress=tenant_a.congress,
            deputy=deputy,
            occurred_on=date(2025, 2, 1),
            description="一季度",
        )
        DutyRecordFactory(
            congress=tenant_a.congress,
            deputy=deputy,
            occurred_on=date(2025, 8, 1),
            description="三季度",
        )
    page = deputy_client.get(url(tenant_a, "my_duties:records") + "?quarter=2025Q3")
    assert "三季度" in page.content.decode() and "一季度" not in page.content.decode()
    page = deputy_client.get(url(tenant_a, "my_duties:records") + "?quarter=banana")
    assert page.status_code == 200
    assert "三季度" in page.content.decode() and "一季度" in page.content.decode()


def test_the_records_list_runs_a_fixed_number_of_queries(tenant_a, deputy_client):
    deputy = my_deputy(tenant_a)
    list_url = url(tenant_a, "my_duties:records")

    def add(count):
        with scopes_disabled():  # test setup
            for _index in range(count):
                record = DutyRecordFactory(congress=tenant_a.congress, deputy=deputy)
                DutyRecordPhoto.objects.create(
                    congress=tenant_a.congress, record=record, image="duties/x.jpg"
                )

    add(2)
    deputy_client.get(list_url)  # the first request also saves the session
    with CaptureQueriesContext(connection) as few:
        assert deputy_client.get(list_url).status_code == 200
    add(25)
    with CaptureQueriesContext(connection) as many:
        response = deputy_client.get(list_url)
    assert response.content.decode().count('class="duty-card"') == 20
    assert len(many) == len(few)


def test_the_record_page_runs_a_fixed_number_of_queries(tenant_a, deputy_client):
    deputy = my_deputy(tenant_a)
    with scopes_disabled():  # test setup
        record = DutyRecordFactory(congress=tenant_a.congress, deputy=deputy)
    record_url = url(tenant_a, "my_duties:record", record_id=record.pk)

    def add(count):
        with scopes_disabled():  # test setup
            for _index in range(count):
                DutyRecordPhoto.objects.create(
                    congress=tenant_a.congress, record=record, image="duties/x.jpg"
                )
                DutyRecordEvent.objects.create(
                    congress=tenant_a.congress,
                    record=record,
                    action="approve",
                    actor=tenant_a.user(Role.STATION_STAFF),
                )

    add(1)
    deputy_client.get(record_url)  # the first request also saves the session
    with CaptureQueriesContext(connection) as few:
        assert deputy_client.get(record_url).status_code == 200
    add(6)
    with CaptureQueriesContext(connection) as many:
        assert deputy_client.get(record_url).status_code == 200
    assert len(many) == len(few)


def test_a_deputy_cannot_open_another_deputys_record(tenant_a, tenant_b, deputy_client):
    my_deputy(tenant_a)
    with scopes_disabled():  # test setup
        other = DutyRecordFactory(congress=tenant_a.congress)
        foreign = DutyRecordFactory(congress=tenant_b.congress)
    response = deputy_client.get(url(tenant_a, "my_duties:record", record_id=other.pk))
    assert response.status_code == 403
    response = deputy_client.get(url(tenant_a, "my_duties:record", record_id=foreign.pk))
    assert response.status_code == 404


def test_the_record_shows_the_rejection_reason_and_history(tenant_a, deputy_client):
    deputy = my_deputy(tenant_a)
    with scopes_disabled():  # test setup
        record = DutyRecordFactory(
            congress=tenant_a.congress,
            deputy=deputy,
            status="rejected",
            origin="deputy",
            reject_reason="缺少签到表",
        )
        for action in ("report", "reject"):
            DutyRecordEvent.objects.create(
                congress=tenant_a.congress,
                record=record,
                action=action,
                note="缺少签到表" if action == "reject" else "",
            )
    page = deputy_client.get(url(tenant_a, "my_duties:record", record_id=record.pk))
    text = page.content.decode()
    assert "未通过，不计分。" in text
    assert "缺少签到表" in text
    assert text.index("已提交") < text.index("未通过审核")


# Points and warnings -----------------------------------------------------------------------


def test_the_home_counts_the_open_quarter_live(tenant_a, deputy_client):
    deputy = my_deputy(tenant_a)
    six_rules(tenant_a)
    today = timezone.localdate()
    with scopes_disabled():  # test setup
        for status in ("approved", "approved", "submitted"):
            DutyRecordFactory(
                congress=tenant_a.congress,
                deputy=deputy,
                occurred_on=today,
                category_code="study",
                category_name="学习培训",
                status=status,
            )
    page = deputy_client.get(url(tenant_a, "my_duties:home")).content.decode()
    assert '<span class="duty-total-number" id="quarter-scores-points">20</span>' in page
    assert "学习培训" in page
    assert "记录履职" in page
    assert "尚未发布排名" in page


def test_the_home_reads_a_ranked_quarter_from_its_snapshot(tenant_a, deputy_client):
    deputy = my_deputy(tenant_a)
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        ranking = RankingFactory(congress=congress, year=2025, quarter=3, deputy_count=40)
        for period, points, rank in (("quarter", "30", 5), ("year", "80", 7)):
            RankingEntry.objects.create(
                congress=congress,
                ranking=ranking,
                period=period,
                deputy=deputy,
                points=Decimal(points),
                record_count=3,
                rank=rank,
                rank_from_bottom=30,
                previous_points=Decimal("20") if period == "quarter" else None,
                previous_rank=9 if period == "quarter" else None,
            )
        RankingCategoryScore.objects.create(
            congress=congress,
            ranking=ranking,
            deputy=deputy,
            category_code="study",
            category_name="学习培训",
            record_count=3,
            recess_count=0,
            raw_points=Decimal("30"),
            points=Decimal("30"),
            year_record_count=3,
            year_recess_count=0,
            year_raw_points=Decimal("30"),
            year_points=Decimal("30"),
        )
        group = DeputyGroupFactory(congress=congress, name="城南代表小组")
        RankingGroupEntry.objects.create(
            congress=congress, ranking=ranking, period="quarter", group=group, deputy=deputy, rank=2
        )
    page = deputy_client.get(url(tenant_a, "my_duties:home") + "?quarter=2025Q3")
    text = page.content.decode()
    assert '<span class="duty-total-number" id="quarter-scores-points">30</span>' in text
    assert '<span class="duty-total-number" id="year-scores-points">80</span>' in text
    assert "季度排名公布的数据" in text
    assert "第 5 名" in text and "第 7 名" in text
    assert "城南代表小组" in text and "第 2 名" in text
    assert "多 10 分" in text
    assert "上升 4 名" in text


def test_a_future_or_bad_quarter_falls_back_to_this_one(tenant_a, deputy_client):
    my_deputy(tenant_a)
    today = timezone.localdate()
    label = f"{today.year}Q{quarter_of(today)}"
    for value in ("2099Q1", "nonsense", "2025Q9"):
        response = deputy_client.get(url(tenant_a, "my_duties:home") + f"?quarter={value}")
        assert response.status_code == 200
        assert f'id="quarter-label">{label}<' in response.content.decode()


def test_the_warnings_show_level_and_reason(tenant_a, deputy_client):
    deputy = my_deputy(tenant_a)
    with scopes_disabled():  # test setup
        ranking = RankingFactory(congress=tenant_a.congress)
        DutyWarningFactory(
            congress=tenant_a.congress,
            deputy=deputy,
            level="orange",
            reason="连续两个季度排名靠后",
            raised_by=ranking,
        )
        DutyWarningFactory(
            congress=tenant_a.congress,
            reason="别人的预警",
            rule=WarningRuleFactory(congress=tenant_a.congress, level="red"),
            raised_by=ranking,
        )
    home = deputy_client.get(url(tenant_a, "my_duties:home")).content.decode()
    assert "duty-warning-orange" in home and "连续两个季度排名靠后" in home
    assert "橙色预警" in home
    page = deputy_client.get(url(tenant_a, "my_duties:warnings")).content.decode()
    assert "连续两个季度排名靠后" in page
    assert "别人的预警" not in page


def test_no_warnings_reads_kindly(tenant_a, deputy_client):
    my_deputy(tenant_a)
    page = deputy_client.get(url(tenant_a, "my_duties:warnings")).content.decode()
    assert "您没有预警" in page


def test_an_earlier_ranked_quarter_shows_its_points_beside_the_latest_standing(
    tenant_a, deputy_client
):
    """The page reads the chosen quarter's ranking and the latest one in one query: each part
    must still come from its own snapshot."""
    deputy = my_deputy(tenant_a)
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        for quarter, points, rank in ((2, "12", 30), (3, "45", 4)):
            ranking = RankingFactory(congress=congress, year=2025, quarter=quarter)
            for period in ("quarter", "year"):
                RankingEntry.objects.create(
                    congress=congress,
                    ranking=ranking,
                    period=period,
                    deputy=deputy,
                    points=Decimal(points),
                    record_count=1,
                    rank=rank,
                    rank_from_bottom=1,
                )
    home = url(tenant_a, "my_duties:home")
    earlier = deputy_client.get(home + "?quarter=2025Q2").content.decode()
    assert '<span class="duty-total-number" id="quarter-scores-points">12</span>' in earlier
    assert "第 4 名" in earlier and "第 30 名" not in earlier
    with CaptureQueriesContext(connection) as queries:
        latest = deputy_client.get(home + "?quarter=2025Q3").content.decode()
    assert '<span class="duty-total-number" id="quarter-scores-points">45</span>' in latest
    assert "第 4 名" in latest
    assert sum('FROM "scoring_ranking"' in query["sql"] for query in queries) == 1
