"""Staff duty pages: the audit queue with batch approve and reject, a record with its history,
batch entry for many deputies, and the quarters with closing and ranking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import JobRun, Notification, Role
from scoring.models import (
    DutyQuarter,
    DutyRecord,
    DutyRecordEvent,
    DutyRecordPhoto,
    RecordOrigin,
    RecordStatus,
)
from scoring.services import rule_set_create_from_preset
from tests.factories import (
    DeputyFactory,
    DeputyGroupFactory,
    DutyRecordFactory,
    GroupMembershipFactory,
    LiaisonStationFactory,
    StationDeputyFactory,
    StationStaffFactory,
)

TODAY = timezone.localdate()
# A day of the quarter before this one: ended, so it can be closed, and still open.
LAST_QUARTER_DAY = date(TODAY.year, 1, 15) if TODAY.month > 3 else date(TODAY.year - 1, 11, 15)
THIS_YEAR_DAY = TODAY - timedelta(days=1) if TODAY.day > 1 or TODAY.month > 1 else TODAY


def label(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def url(tenant, name: str, query: str = "", **kwargs) -> str:
    return reverse(
        f"duty_review:{name}", kwargs={"congress_slug": tenant.congress.slug, **kwargs}
    ) + (f"?{query}" if query else "")


@pytest.fixture
def rules(tenant_a):
    with tenant_a.scope():  # test setup
        for year in {TODAY.year, LAST_QUARTER_DAY.year}:
            rule_set_create_from_preset(
                actor=None, congress=tenant_a.congress, year=year, preset="six"
            )


@pytest.fixture
def stations(tenant_a):
    """Two stations; the station staff member works at the first only."""
    with scopes_disabled():  # test setup
        mine = LiaisonStationFactory(congress=tenant_a.congress, name="城关联络站")
        other = LiaisonStationFactory(congress=tenant_a.congress, name="河西联络站")
        StationStaffFactory(station=mine, user=tenant_a.user(Role.STATION_STAFF))
    return mine, other


def deputy_at(tenant, station, **fields):
    with scopes_disabled():  # test setup
        deputy = DeputyFactory(congress=tenant.congress, **fields)
        StationDeputyFactory(station=station, deputy=deputy)
    return deputy


def submitted(tenant, deputy, **fields):
    fields.setdefault("occurred_on", LAST_QUARTER_DAY)
    with scopes_disabled():  # test setup
        return DutyRecordFactory(
            congress=tenant.congress,
            deputy=deputy,
            status=RecordStatus.SUBMITTED,
            origin=RecordOrigin.DEPUTY,
            **fields,
        )


def status_of(record) -> str:
    with scopes_disabled():  # test reading
        return DutyRecord.objects.get(pk=record.pk).status


def listed(response) -> set[int]:
    return {record.pk for record in response.context["page"].object_list}


# The queue ---------------------------------------------------------------------------------


def test_committee_staff_see_every_record_awaiting_audit(tenant_a, client_as, stations):
    mine, other = stations
    first = submitted(tenant_a, deputy_at(tenant_a, mine, name="张桂芳"))
    second = submitted(tenant_a, deputy_at(tenant_a, other, name="李建国"))
    with scopes_disabled():  # test setup
        DutyRecordFactory(congress=tenant_a.congress, status=RecordStatus.APPROVED)
    response = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(url(tenant_a, "queue"))
    assert response.status_code == 200
    assert listed(response) == {first.pk, second.pk}
    text = response.content.decode()
    assert "待审核" in text and "张桂芳" in text and "李建国" in text


def test_station_staff_see_only_their_stations_deputies(tenant_a, client_as, stations):
    mine, other = stations
    ours = submitted(tenant_a, deputy_at(tenant_a, mine, name="张桂芳"))
    theirs = submitted(tenant_a, deputy_at(tenant_a, other, name="李建国"))
    client = client_as(tenant_a.user(Role.STATION_STAFF))
    response = client.get(url(tenant_a, "queue"))
    assert listed(response) == {ours.pk}
    assert "李建国" not in response.content.decode()
    # Posting the other station's id changes nothing.
    response = client.post(url(tenant_a, "queue"), {"action": "approve", "ids": [theirs.pk]})
    assert response.status_code == 400
    assert status_of(theirs) == RecordStatus.SUBMITTED
    response = client.post(
        url(tenant_a, "queue"), {"action": "approve", "ids": [ours.pk, theirs.pk]}
    )
    assert response.status_code == 302
    assert status_of(ours) == RecordStatus.APPROVED
    assert status_of(theirs) == RecordStatus.SUBMITTED
    page = client.get(response.url).content.decode()
    assert "已通过 1 条记录" in page
    assert "1 条记录未处理" in page
    # Its record page is refused too.
    assert client.get(url(tenant_a, "record", record_id=theirs.pk)).status_code == 403


def test_roles_without_the_right_are_refused(tenant_a, client_as):
    for role in (Role.DEPUTY, Role.LEADER, Role.UNIT_LIAISON):
        client = client_as(tenant_a.user(role))
        assert client.get(url(tenant_a, "queue")).status_code == 403
        assert client.post(url(tenant_a, "queue"), {"action": "approve"}).status_code == 403
        assert client.get(url(tenant_a, "enter")).status_code == 403
    station = client_as(tenant_a.user(Role.STATION_STAFF))
    assert station.get(url(tenant_a, "quarters")).status_code == 403
    assert station.post(url(tenant_a, "quarter_close"), {"quarter": "2026Q1"}).status_code == 403


def test_batch_approve_and_reject_return_to_the_same_filtered_page(tenant_a, client_as, stations):
    mine, _other = stations
    deputy_user = tenant_a.user(Role.DEPUTY)
    deputy = deputy_at(tenant_a, mine, name="张桂芳", user=deputy_user)
    records = [submitted(tenant_a, deputy, description=f"第{n}次走访") for n in range(3)]
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    query = f"quarter={label(LAST_QUARTER_DAY)}&station={mine.pk}"
    response = client.post(
        url(tenant_a, "queue", query),
        {"action": "approve", "ids": [records[0].pk, records[1].pk]},
    )
    assert response.status_code == 302
    assert response.url == url(tenant_a, "queue", query)
    assert "已通过 2 条记录" in client.get(response.url).content.decode()
    response = client.post(
        url(tenant_a, "queue", query),
        {"action": "reject", "ids": [records[2].pk], "reason": "没有活动照片"},
    )
    assert response.status_code == 302
    assert "已退回 1 条记录" in client.get(response.url).content.decode()
    assert [status_of(record) for record in records] == ["approved", "approved", "rejected"]
    with scopes_disabled():  # test reading
        rejected = DutyRecord.objects.get(pk=records[2].pk)
        assert rejected.reject_reason == "没有活动照片"
        assert rejected.reviewed_by == tenant_a.user(Role.COMMITTEE_STAFF)
        assert DutyRecordEvent.objects.filter(record__in=records).count() == 3
        notice = Notification.objects.get(user=deputy_user)
        assert notice.body == "没有活动照片"


def test_reject_without_a_reason_keeps_the_ticks(tenant_a, client_as, stations):
    record = submitted(tenant_a, deputy_at(tenant_a, stations[0]))
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.post(url(tenant_a, "queue"), {"action": "reject", "ids": [record.pk]})
    assert response.status_code == 400
    text = response.content.decode()
    assert "请说明退回的理由" in text
    assert f'value="{record.pk}" id="tick-{record.pk}"' in text
    assert "checked" in text.split(f'id="tick-{record.pk}"')[1].split(">")[0]
    assert status_of(record) == RecordStatus.SUBMITTED


def test_nothing_ticked_or_no_action_is_a_clear_error(tenant_a, client_as, stations):
    record = submitted(tenant_a, deputy_at(tenant_a, stations[0]))
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.post(url(tenant_a, "queue"), {"action": "approve"})
    assert response.status_code == 400
    assert "请先勾选记录" in response.content.decode()
    response = client.post(url(tenant_a, "queue"), {"action": "delete", "ids": [record.pk]})
    assert response.status_code == 400
    # Ids that are not numbers, or too large for a column, are dropped, not a 500.
    response = client.post(
        url(tenant_a, "queue"), {"action": "approve", "ids": ["x", str(2**70), "-3"]}
    )
    assert response.status_code == 400
    assert status_of(record) == RecordStatus.SUBMITTED


def test_another_congress_records_cannot_be_audited(tenant_a, tenant_b, client_as, stations):
    with scopes_disabled():  # test setup
        foreign = DutyRecordFactory(
            congress=tenant_b.congress, status=RecordStatus.SUBMITTED, origin=RecordOrigin.DEPUTY
        )
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.post(url(tenant_a, "queue"), {"action": "approve", "ids": [foreign.pk]})
    assert response.status_code == 400
    assert status_of(foreign) == RecordStatus.SUBMITTED
    assert client.get(url(tenant_a, "record", record_id=foreign.pk)).status_code == 404


def test_a_closed_quarter_refuses_the_audit(tenant_a, client_as, stations):
    record = submitted(tenant_a, deputy_at(tenant_a, stations[0]))
    with scopes_disabled():  # test setup
        DutyQuarter.objects.create(
            congress=tenant_a.congress,
            year=LAST_QUARTER_DAY.year,
            quarter=(LAST_QUARTER_DAY.month - 1) // 3 + 1,
            status=DutyQuarter.Status.CLOSED,
        )
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.post(url(tenant_a, "queue"), {"action": "approve", "ids": [record.pk]})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "已通过 0 条记录" in page and "1 条记录未处理" in page
    assert status_of(record) == RecordStatus.SUBMITTED
    detail = client.get(url(tenant_a, "record", record_id=record.pk)).content.decode()
    assert "本季度已结束" in detail
    assert 'id="approve-record"' not in detail


def test_filters_pick_what_they_say(tenant_a, client_as, rules, stations):
    mine, other = stations
    zhang = deputy_at(tenant_a, mine, name="张桂芳")
    li = deputy_at(tenant_a, other, name="李建国")
    study = submitted(tenant_a, zhang, category_code="study", category_name="学习培训")
    voters = submitted(tenant_a, li, category_code="report_to_voters", category_name="向选民述职")
    earlier = submitted(
        tenant_a,
        li,
        occurred_on=date(2025, 2, 3),
        category_code="report_to_voters",
        category_name="向选民述职",
    )
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    assert listed(client.get(url(tenant_a, "queue", "category=study"))) == {study.pk}
    assert listed(client.get(url(tenant_a, "queue", f"station={other.pk}"))) == {
        voters.pk,
        earlier.pk,
    }
    assert listed(client.get(url(tenant_a, "queue", "q=张桂芳"))) == {study.pk}
    assert listed(client.get(url(tenant_a, "queue", "quarter=2025Q1"))) == {earlier.pk}
    # Values that do not fit are dropped, never an error page.
    response = client.get(url(tenant_a, "queue", "quarter=2025Q9&station=abc&category=nope"))
    assert response.status_code == 200
    assert listed(response) == {study.pk, voters.pk, earlier.pk}


def test_the_select_all_link_ticks_every_row_without_javascript(tenant_a, client_as, stations):
    deputy = deputy_at(tenant_a, stations[0])
    records = [submitted(tenant_a, deputy) for _n in range(3)]
    text = (
        client_as(tenant_a.user(Role.COMMITTEE_STAFF))
        .get(url(tenant_a, "queue", "select=all"))
        .content.decode()
    )
    for record in records:
        assert "checked" in text.split(f'id="tick-{record.pk}"')[1].split(">")[0]


def test_the_audited_tab_lists_recent_results(tenant_a, client_as, stations):
    deputy = deputy_at(tenant_a, stations[0], name="张桂芳")
    record = submitted(tenant_a, deputy)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    client.post(url(tenant_a, "queue"), {"action": "reject", "ids": [record.pk], "reason": "重复"})
    response = client.get(url(tenant_a, "queue", "tab=reviewed"))
    assert listed(response) == {record.pk}
    text = response.content.decode()
    assert "已退回" in text and "重复" in text
    assert listed(client.get(url(tenant_a, "queue"))) == set()


def test_an_htmx_filter_returns_only_the_table(tenant_a, client_as, stations):
    submitted(tenant_a, deputy_at(tenant_a, stations[0], name="张桂芳"))
    response = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(
        url(tenant_a, "queue", "q=张"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="review-table"
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div id="review-table">')
    assert "张桂芳" in text and "<html" not in text


def test_the_queue_runs_a_fixed_number_of_queries(tenant_a, client_as, stations):
    mine, _other = stations
    client = client_as(tenant_a.user(Role.STATION_STAFF))

    def count_queries(query: str = "") -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(tenant_a, "queue", query))
        assert response.status_code == 200
        return len(queries)

    def add_records(number: int) -> None:
        for _n in range(number):
            record = submitted(tenant_a, deputy_at(tenant_a, mine))
            with scopes_disabled():  # test setup
                DutyRecordPhoto.objects.create(
                    congress=tenant_a.congress, record=record, image="duties/missing.jpg"
                )

    client.get(url(tenant_a, "queue"))  # the first request of a session does one-off work
    add_records(1)
    small = count_queries()
    small_reviewed = count_queries("tab=reviewed")
    add_records(12)
    assert count_queries() == small
    assert count_queries("tab=reviewed") == small_reviewed


# One record --------------------------------------------------------------------------------


def test_the_record_page_shows_photos_and_history_and_acts(tenant_a, client_as, stations):
    deputy = deputy_at(tenant_a, stations[0], name="张桂芳")
    record = submitted(tenant_a, deputy, description="走访城关社区")
    with scopes_disabled():  # test setup
        photo = DutyRecordPhoto.objects.create(
            congress=tenant_a.congress, record=record, image="duties/missing.jpg"
        )
        DutyRecordEvent.objects.create(
            congress=tenant_a.congress,
            record=record,
            action="report",
            to_status=RecordStatus.SUBMITTED,
            actor=tenant_a.user(Role.DEPUTY),
        )
    client = client_as(tenant_a.user(Role.STATION_STAFF))
    record_url = url(tenant_a, "record", record_id=record.pk)
    text = client.get(record_url).content.decode()
    assert "走访城关社区" in text and "待审核" in text
    assert (
        reverse(
            "duty_files:photo",
            kwargs={"congress_slug": tenant_a.congress.slug, "duty_photo_id": photo.pk},
        )
        in text
    )
    assert 'id="approve-record"' in text and 'id="reject-record"' in text

    response = client.post(record_url, {"action": "reject"})
    assert response.status_code == 400
    assert "请说明退回的理由" in response.content.decode()
    response = client.post(record_url, {"action": "approve"})
    assert response.status_code == 302
    text = client.get(record_url).content.decode()
    assert "记录已审核通过" in text
    assert "待审核 → 已通过" in text
    # An approved record can still be rejected before the quarter closes, with a reason.
    response = client.post(record_url, {"action": "reject", "reason": "活动与履职无关"})
    assert response.status_code == 302
    assert status_of(record) == RecordStatus.REJECTED
    text = client.get(record_url).content.decode()
    assert "活动与履职无关" in text
    assert 'id="approve-record"' not in text and 'id="reject-record"' not in text


def test_an_automatic_record_cannot_be_rejected(tenant_a, client_as, stations):
    with scopes_disabled():  # test setup
        record = DutyRecordFactory(
            congress=tenant_a.congress,
            deputy=deputy_at(tenant_a, stations[0]),
            origin=RecordOrigin.AUTOMATIC,
            status=RecordStatus.APPROVED,
            occurred_on=LAST_QUARTER_DAY,
        )
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    record_url = url(tenant_a, "record", record_id=record.pk)
    assert 'id="reject-record"' not in client.get(record_url).content.decode()
    response = client.post(record_url, {"action": "reject", "reason": "不对"})
    assert response.status_code == 302
    assert status_of(record) == RecordStatus.APPROVED


# Batch entry -------------------------------------------------------------------------------


def entry(category="congress_meeting", day=None, description="参加区人代会第五次会议", **extra):
    return {
        "category": category,
        "occurred_on": (day or THIS_YEAR_DAY).isoformat(),
        "description": description,
        **extra,
    }


def test_batch_entry_for_ticked_deputies_skips_duplicates(tenant_a, client_as, rules, stations):
    mine, _other = stations
    zhang = deputy_at(tenant_a, mine, name="张桂芳")
    li = deputy_at(tenant_a, mine, name="李建国")
    wang = deputy_at(tenant_a, mine, name="王秀英")
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    page = client.get(url(tenant_a, "enter"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "参加人代会" in text and "无故缺席人代会" in text and "王秀英" in text
    response = client.post(url(tenant_a, "enter"), entry(deputies=[zhang.pk, li.pk]))
    assert response.status_code == 302
    assert "已为 2 位代表录入记录" in client.get(response.url).content.decode()
    response = client.post(url(tenant_a, "enter"), entry(deputies=[zhang.pk, li.pk, wang.pk]))
    assert response.status_code == 302
    text = client.get(response.url).content.decode()
    assert "已为 1 位代表录入记录" in text
    assert "跳过 2 位" in text and "张桂芳" in text
    with scopes_disabled():  # test reading
        records = DutyRecord.objects.filter(category_code="congress_meeting")
        assert records.count() == 3
        assert set(records.values_list("status", flat=True)) == {RecordStatus.APPROVED}
        assert set(records.values_list("origin", flat=True)) == {RecordOrigin.STAFF}


def test_a_deduction_can_be_entered(tenant_a, client_as, rules, stations):
    zhang = deputy_at(tenant_a, stations[0], name="张桂芳")
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.post(
        url(tenant_a, "enter"),
        entry(category="absent_without_leave", description="无故缺席", deputies=[zhang.pk]),
    )
    assert response.status_code == 302
    with scopes_disabled():  # test reading
        record = DutyRecord.objects.get(deputy=zhang)
        assert record.kind == "deduction"


def test_pasted_names_are_matched_and_problems_reported(tenant_a, client_as, rules, stations):
    mine, other = stations
    zhang = deputy_at(tenant_a, mine, name="张桂芳")
    li = deputy_at(tenant_a, mine, name="李建国")
    deputy_at(tenant_a, mine, name="王芳")
    deputy_at(tenant_a, mine, name="王芳")
    deputy_at(tenant_a, mine, name="赵前", status="resigned")
    deputy_at(tenant_a, other, name="孙立")
    client = client_as(tenant_a.user(Role.STATION_STAFF))
    names = "张桂芳\n王芳\n钱无名\n赵前\n孙立\n"
    response = client.post(url(tenant_a, "enter"), entry(names=names, deputies=[li.pk]))
    assert response.status_code == 400
    text = response.content.decode()
    # The other station's deputy is unknown to station staff, like a name nobody has.
    assert "没有这位代表：钱无名、孙立" in text
    assert "王芳" in text.split("重名")[1][:60]
    assert "赵前" in text
    # Nothing typed is lost: the names, the ticks and the duty come back.
    assert "钱无名" in text.split("<textarea")[-1] or "钱无名" in text
    assert "参加区人代会第五次会议" in text
    assert "checked" in text.split(f'id="deputy-{li.pk}"')[1].split(">")[0]
    with scopes_disabled():  # test reading
        assert not DutyRecord.objects.exists()
    response = client.post(url(tenant_a, "enter"), entry(names="张桂芳\n 李 建国 \n"))
    assert response.status_code == 302
    with scopes_disabled():  # test reading
        assert set(DutyRecord.objects.values_list("deputy_id", flat=True)) == {zhang.pk, li.pk}


def test_station_staff_cannot_enter_for_another_stations_deputy(
    tenant_a, client_as, rules, stations
):
    _mine, other = stations
    theirs = deputy_at(tenant_a, other, name="孙立")
    client = client_as(tenant_a.user(Role.STATION_STAFF))
    assert "孙立" not in client.get(url(tenant_a, "enter")).content.decode()
    response = client.post(url(tenant_a, "enter"), entry(deputies=[theirs.pk]))
    assert response.status_code == 400
    assert "请至少选择一位代表" in response.content.decode()
    with scopes_disabled():  # test reading
        assert not DutyRecord.objects.exists()


def test_batch_entry_validation(tenant_a, client_as, rules, stations):
    zhang = deputy_at(tenant_a, stations[0], name="张桂芳")
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.post(url(tenant_a, "enter"), {"deputies": [zhang.pk]})
    assert response.status_code == 400
    text = response.content.decode()
    assert "请选择一个类别" in text and "请填写履职日期" in text
    future = TODAY + timedelta(days=3)
    response = client.post(url(tenant_a, "enter"), entry(day=future, deputies=[zhang.pk]))
    assert response.status_code == 400
    assert "日期不能晚于今天" in response.content.decode()
    with scopes_disabled():  # test setup
        DutyQuarter.objects.create(
            congress=tenant_a.congress,
            year=LAST_QUARTER_DAY.year,
            quarter=(LAST_QUARTER_DAY.month - 1) // 3 + 1,
            status=DutyQuarter.Status.CLOSED,
        )
    response = client.post(url(tenant_a, "enter"), entry(day=LAST_QUARTER_DAY, deputies=[zhang.pk]))
    assert response.status_code == 400
    assert label(LAST_QUARTER_DAY) in response.content.decode().split('role="alert"')[1]
    with scopes_disabled():  # test reading
        assert not DutyRecord.objects.exists()


def test_the_candidate_list_filters_by_group_station_and_name(tenant_a, client_as, stations):
    mine, other = stations
    zhang = deputy_at(tenant_a, mine, name="张桂芳")
    li = deputy_at(tenant_a, other, name="李建国")
    with scopes_disabled():  # test setup
        group = DeputyGroupFactory(congress=tenant_a.congress, name="城关代表小组")
        GroupMembershipFactory(group=group, deputy=li)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))

    def shown(query: str) -> set[int]:
        response = client.get(url(tenant_a, "enter", query))
        return {deputy.pk for deputy in response.context["candidates"]}

    assert shown("") == {zhang.pk, li.pk}
    assert shown(f"group={group.pk}") == {li.pk}
    assert shown(f"station={mine.pk}") == {zhang.pk}
    assert shown("q=zgf") == {zhang.pk}
    # A deputy ticked before the filter changed stays ticked.
    response = client.get(url(tenant_a, "enter", f"station={other.pk}&deputies={zhang.pk}"))
    assert [deputy.pk for deputy in response.context["kept"]] == [zhang.pk]


# Quarters ----------------------------------------------------------------------------------


def test_quarters_list_counts_and_close_refused_while_records_await(
    tenant_a, client_as, rules, stations, django_capture_on_commit_callbacks
):
    deputy = deputy_at(tenant_a, stations[0])
    record = submitted(tenant_a, deputy)
    with scopes_disabled():  # test setup
        DutyRecordFactory(congress=tenant_a.congress, deputy=deputy, occurred_on=LAST_QUARTER_DAY)
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.get(url(tenant_a, "quarters"))
    assert response.status_code == 200
    row = next(r for r in response.context["quarters"] if r.label == label(LAST_QUARTER_DAY))
    assert (row.submitted, row.approved, row.can_close) == (1, 1, True)
    current = next(r for r in response.context["quarters"] if r.label == label(TODAY))
    assert not current.can_close
    response = client.post(url(tenant_a, "quarter_close"), {"quarter": row.label})
    assert response.status_code == 302
    text = client.get(response.url).content.decode()
    # The service's refusal is shown as it is: the records still await audit.
    assert "message-error" in text and row.label in text
    with scopes_disabled():  # test reading
        assert not DutyQuarter.objects.filter(status=DutyQuarter.Status.CLOSED).exists()
    # Audited, the quarter closes and its ranking job runs.
    client.post(url(tenant_a, "queue"), {"action": "approve", "ids": [record.pk]})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(tenant_a, "quarter_close"), {"quarter": row.label})
    assert response.status_code == 302
    assert "?job=" in response.url
    text = client.get(response.url).content.decode()
    with scopes_disabled():  # test reading
        quarter = DutyQuarter.objects.get(year=row.year, quarter=row.quarter)
        assert quarter.status == DutyQuarter.Status.CLOSED
        assert quarter.closed_by == tenant_a.user(Role.COMMITTEE_STAFF)
        assert set(DutyRecord.objects.values_list("status", flat=True)) == {"confirmed"}
        job = JobRun.objects.get()
    assert job.label in text
    response = client.get(url(tenant_a, "quarters"))
    row = next(r for r in response.context["quarters"] if r.label == label(LAST_QUARTER_DAY))
    assert row.is_closed and row.confirmed == 2


def test_closing_a_running_quarter_or_nonsense_is_refused(tenant_a, client_as, rules):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    response = client.post(url(tenant_a, "quarter_close"), {"quarter": label(TODAY)})
    assert response.status_code == 302
    text = client.get(response.url).content.decode()
    assert "message-error" in text and label(TODAY) in text
    response = client.post(url(tenant_a, "quarter_close"), {"quarter": "2026Q7"})
    assert response.status_code == 302
    assert "请选择季度" in client.get(response.url).content.decode()
    assert client.get(url(tenant_a, "quarter_close")).status_code == 405


def test_the_quarters_page_runs_a_fixed_number_of_queries(tenant_a, client_as, stations):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(tenant_a, "quarters")).status_code == 200
        return len(queries)

    client.get(url(tenant_a, "quarters"))
    small = count_queries()
    deputy = deputy_at(tenant_a, stations[0])
    for month in range(1, TODAY.month + 1):
        submitted(tenant_a, deputy, occurred_on=date(TODAY.year, month, 1))
    with scopes_disabled():  # test setup
        DutyQuarter.objects.create(
            congress=tenant_a.congress,
            year=TODAY.year - 1,
            quarter=2,
            status=DutyQuarter.Status.CLOSED,
            closed_by=tenant_a.user(Role.COMMITTEE_ADMIN),
            closed_at=timezone.now(),
        )
    assert count_queries() == small


def test_the_quarters_page_shows_a_job_and_404s_a_missing_one(tenant_a, client_as):
    with scopes_disabled():  # test setup
        job = JobRun.objects.create(
            congress=tenant_a.congress, task_name="x", label="排名", created_by=None
        )
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    assert client.get(url(tenant_a, "quarters", f"job={job.pk}")).status_code == 200
    assert client.get(url(tenant_a, "quarters", "job=999999")).status_code == 404
