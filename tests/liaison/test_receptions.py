"""Reception days: repeating schedules, planning, moving and cancelling, attendance, who sees
what, a deputy's days on the phone, the daily job and the demo."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.errors import DomainError
from congress.models import JobRun, JobStatus, Role
from liaison import reception_selectors, reception_services
from liaison.models import (
    Attendance,
    ReceptionDay,
    ReceptionDuty,
    ReceptionSchedule,
    ReceptionStatus,
    RepeatRule,
)
from liaison.reception_services import occurrence_in_month
from tests.factories import (
    LiaisonStationFactory,
    ReceptionDayFactory,
    ReceptionDutyFactory,
    StationDeputyFactory,
    StationStaffFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Saturday in 2025, ten days before the National Day holiday (1–8 October).
FROZEN = datetime(2025, 9, 20, 10, 0, tzinfo=SHANGHAI)


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/receptions/{suffix}"


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield FROZEN.date()


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


@pytest.fixture
def place(tenant_a):
    """A deputy home with three deputies; tenant A's station staff member works there, and the
    deputy account of tenant A is the first deputy. A second station nobody of A works at."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        home = LiaisonStationFactory(
            congress=congress,
            name="真武山街道人大代表之家",
            kind="deputy_home",
            address="凤凰路1号",
        )
        other = LiaisonStationFactory(congress=congress, name="卧龙镇双沟村人大代表联络站")
        deputies = [
            StationDeputyFactory(
                station=home, deputy__name=name, deputy__user=user, deputy__name_pinyin=pinyin
            ).deputy
            for name, user, pinyin in [
                ("张桂芳", tenant_a.user(Role.DEPUTY), "zhangguifang"),
                ("李建国", None, "lijianguo"),
                ("王秀兰", None, "wangxiulan"),
            ]
        ]
        StationStaffFactory(station=home, user=tenant_a.user(Role.STATION_STAFF))
        elsewhere = StationDeputyFactory(station=other, deputy__name="赵志强").deputy
    return {"home": home, "other": other, "deputies": deputies, "elsewhere": elsewhere}


def _schedule(tenant, place, **fields) -> ReceptionSchedule:
    values = {
        "rule": RepeatRule.WEEKDAY_OF_MONTH,
        "week_of_month": 1,
        "weekday": 1,
        "start_time": time(9, 0),
        "end_time": time(11, 30),
        "starts_on": date(2025, 9, 20),
        "topic": "集中接待选民",
        **fields,
    }
    with tenant.scope():
        return reception_services.reception_schedule_create(
            actor=tenant.user(Role.COMMITTEE_STAFF),
            congress=tenant.congress,
            station=place["home"],
            deputies=place["deputies"][:2],
            **values,
        )


def _days(tenant, schedule=None) -> list[date]:
    with tenant.scope():
        days = ReceptionDay.objects.all()
        if schedule is not None:
            days = days.filter(schedule=schedule)
        return sorted(days.values_list("date", flat=True))


# The dates of a rule -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week", "weekday", "year", "month", "expected"),
    [
        (1, 1, 2025, 3, date(2025, 3, 4)),  # the first Tuesday
        (1, 1, 2025, 4, date(2025, 4, 1)),  # the month starts on a Tuesday
        (2, 2, 2025, 10, date(2025, 10, 8)),  # the second Wednesday
        (4, 0, 2025, 6, date(2025, 6, 23)),  # the fourth Monday
        (-1, 4, 2025, 2, date(2025, 2, 28)),  # the last Friday, on the month's last day
        (-1, 4, 2025, 5, date(2025, 5, 30)),  # the last Friday of a 31-day month
        (-1, 6, 2025, 11, date(2025, 11, 30)),  # the last Sunday
    ],
)
def test_a_weekday_of_the_month(week, weekday, year, month, expected):
    found = occurrence_in_month(
        rule=RepeatRule.WEEKDAY_OF_MONTH,
        year=year,
        month=month,
        week_of_month=week,
        weekday=weekday,
    )
    assert found == expected


@pytest.mark.parametrize(
    ("day", "year", "month", "expected"),
    [
        (15, 2025, 2, date(2025, 2, 15)),
        (31, 2025, 2, date(2025, 2, 28)),  # the 31st in February: the month's last day
        (31, 2024, 2, date(2024, 2, 29)),  # in a leap year
        (30, 2025, 2, date(2025, 2, 28)),
        (31, 2025, 4, date(2025, 4, 30)),
        (31, 2025, 5, date(2025, 5, 31)),
    ],
)
def test_a_date_of_the_month_falls_back_to_the_last_day(day, year, month, expected):
    found = occurrence_in_month(
        rule=RepeatRule.DAY_OF_MONTH, year=year, month=month, day_of_month=day
    )
    assert found == expected


# Generating days ---------------------------------------------------------------------------


def test_every_first_tuesday_for_the_next_90_days_with_duties_and_history(tenant_a, place, frozen):
    schedule = _schedule(tenant_a, place)
    assert _days(tenant_a, schedule) == [date(2025, 10, 7), date(2025, 11, 4), date(2025, 12, 2)]
    with tenant_a.scope():
        days = list(ReceptionDay.objects.filter(schedule=schedule))
        assert {(d.start_time, d.end_time, d.topic) for d in days} == {
            (time(9, 0), time(11, 30), "集中接待选民")
        }
        duties = ReceptionDuty.objects.filter(reception_day__schedule=schedule)
        assert duties.count() == 6
        assert set(duties.values_list("attendance", flat=True)) == {Attendance.EXPECTED}
        assert ReceptionDay.history.filter(schedule_id=schedule.pk, history_type="+").count() == 3
        created = ReceptionDay.history.filter(schedule_id=schedule.pk).first()
        assert created.history_user == tenant_a.user(Role.COMMITTEE_STAFF)


def test_the_last_friday(tenant_a, place, frozen):
    schedule = _schedule(tenant_a, place, week_of_month=-1, weekday=4)
    assert _days(tenant_a, schedule) == [
        date(2025, 9, 26),
        date(2025, 10, 31),
        date(2025, 11, 28),
    ]


def test_the_31st_uses_the_last_day_of_short_months(tenant_a, place):
    with time_machine.travel(datetime(2025, 1, 10, 9, tzinfo=SHANGHAI), tick=False):
        schedule = _schedule(
            tenant_a,
            place,
            rule=RepeatRule.DAY_OF_MONTH,
            week_of_month=None,
            weekday=None,
            day_of_month=31,
            starts_on=date(2025, 1, 10),
        )
    assert _days(tenant_a, schedule) == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]
    with tenant_a.scope():
        schedule.refresh_from_db()
        # The rule's other fields are cleared: the schedule says one thing only.
        assert schedule.week_of_month is None and schedule.weekday is None


def test_generating_again_creates_nothing(tenant_a, place, frozen):
    schedule = _schedule(tenant_a, place)
    before = _days(tenant_a, schedule)
    with tenant_a.scope():
        again = reception_services.reception_schedule_generate(schedule=schedule)
        assert again == []
        assert ReceptionDuty.objects.count() == 6
    assert _days(tenant_a, schedule) == before
    # A day later the window has moved one day: still nothing new before December's end.
    with time_machine.travel(FROZEN + timedelta(days=1), tick=False), tenant_a.scope():
        assert reception_services.reception_schedule_generate(schedule=schedule) == []


def test_the_window_moves_forward_and_the_first_and_last_dates_are_respected(
    tenant_a, place, frozen
):
    schedule = _schedule(tenant_a, place, starts_on=date(2025, 10, 8), ends_on=date(2026, 1, 31))
    # 7 October is before the first date; the window ends on 19 December.
    assert _days(tenant_a, schedule) == [date(2025, 11, 4), date(2025, 12, 2)]
    later = datetime(2025, 12, 25, 9, tzinfo=SHANGHAI)
    with time_machine.travel(later, tick=False), tenant_a.scope():
        reception_services.reception_schedules_extend()
    # January's first Tuesday is generated; February's is after the last date.
    assert _days(tenant_a, schedule) == [date(2025, 11, 4), date(2025, 12, 2), date(2026, 1, 6)]


def test_a_day_off_is_kept_and_marked_not_shifted(tenant_a, place, staff, frozen):
    schedule = _schedule(
        tenant_a,
        place,
        rule=RepeatRule.DAY_OF_MONTH,
        week_of_month=None,
        weekday=None,
        day_of_month=1,
    )
    # 1 October is National Day, 1 November a Saturday: both kept on their date.
    assert _days(tenant_a, schedule) == [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)]
    response = staff.get(url(tenant_a))
    marks = {day.date: day.is_day_off for day in response.context["page"].object_list}
    assert marks == {date(2025, 10, 1): True, date(2025, 11, 1): True, date(2025, 12, 1): False}
    assert response.content.decode().count("节假日") >= 2
    with tenant_a.scope():
        holiday = ReceptionDay.objects.get(date=date(2025, 10, 1))
    page = staff.get(url(tenant_a, f"{holiday.pk}/")).content.decode()
    assert "不是工作日" in page


def test_a_congress_day_off_counts_too(tenant_a, place, frozen):
    from congress.models import CalendarOverride

    with scopes_disabled():  # test setup
        CalendarOverride.objects.create(
            congress=tenant_a.congress, date=date(2025, 12, 2), is_working_day=False, note="停电"
        )
    with tenant_a.scope():
        assert reception_selectors.days_off([date(2025, 12, 2), date(2025, 12, 3)]) == {
            date(2025, 12, 2)
        }


def test_a_moved_day_is_not_generated_again(tenant_a, place, frozen):
    schedule = _schedule(tenant_a, place)
    with tenant_a.scope():
        day = ReceptionDay.objects.get(date=date(2025, 10, 7))
        reception_services.reception_day_update(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            day=day,
            date=date(2025, 10, 9),
            start_time=time(14, 0),
            end_time=time(16, 0),
            deputies=place["deputies"][:2],
        )
        assert reception_services.reception_schedule_generate(schedule=schedule) == []
    assert _days(tenant_a, schedule) == [date(2025, 10, 9), date(2025, 11, 4), date(2025, 12, 2)]


def test_changing_the_rule_replans_only_the_coming_planned_days(tenant_a, place, frozen):
    schedule = _schedule(tenant_a, place)
    staff_user = tenant_a.user(Role.COMMITTEE_STAFF)
    with tenant_a.scope():
        cancelled = ReceptionDay.objects.get(date=date(2025, 11, 4))
        reception_services.reception_day_cancel(actor=staff_user, day=cancelled, reason="会议")
        reception_services.reception_schedule_update(
            actor=staff_user,
            schedule=schedule,
            deputies=place["deputies"],
            rule=RepeatRule.DAY_OF_MONTH,
            week_of_month=None,
            weekday=None,
            day_of_month=15,
        )
        assert sorted(
            ReceptionDay.objects.filter(schedule=schedule).values_list("date", "status")
        ) == [
            (date(2025, 10, 15), ReceptionStatus.PLANNED),
            (date(2025, 11, 4), ReceptionStatus.CANCELLED),
            (date(2025, 11, 15), ReceptionStatus.PLANNED),
            (date(2025, 12, 15), ReceptionStatus.PLANNED),
        ]
        day = ReceptionDay.objects.get(date=date(2025, 10, 15))
        assert day.duties.count() == 3


def test_new_deputies_on_a_schedule_reach_its_coming_days(tenant_a, place, frozen):
    schedule = _schedule(tenant_a, place)
    with tenant_a.scope():
        reception_services.reception_schedule_update(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            schedule=schedule,
            deputies=[place["deputies"][2]],
            topic="听取老旧小区改造意见",
        )
        for day in ReceptionDay.objects.filter(schedule=schedule):
            assert [d.deputy.name for d in day.duties.all()] == ["王秀兰"]
            assert day.topic == "听取老旧小区改造意见"


def test_stopping_a_schedule_removes_its_coming_days(tenant_a, place, frozen):
    schedule = _schedule(tenant_a, place)
    with tenant_a.scope():
        reception_services.reception_schedule_update(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            schedule=schedule,
            deputies=place["deputies"][:2],
            is_active=False,
        )
        assert not ReceptionDay.objects.filter(schedule=schedule).exists()
        assert reception_services.reception_schedule_generate(schedule=schedule) == []


def test_a_schedule_needs_a_complete_rule_and_a_deputy(tenant_a, place, frozen):
    with tenant_a.scope(), pytest.raises(DomainError) as error:
        reception_services.reception_schedule_create(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            congress=tenant_a.congress,
            station=place["home"],
            deputies=place["deputies"][:1],
            rule=RepeatRule.WEEKDAY_OF_MONTH,
            week_of_month=5,
            weekday=1,
            start_time=time(9),
            end_time=time(11),
            starts_on=date(2025, 9, 20),
        )
    assert error.value.field == "week_of_month"
    with tenant_a.scope(), pytest.raises(DomainError) as error:
        reception_services.reception_schedule_create(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            congress=tenant_a.congress,
            station=place["home"],
            deputies=[],
            rule=RepeatRule.DAY_OF_MONTH,
            day_of_month=15,
            start_time=time(9),
            end_time=time(11),
            starts_on=date(2025, 9, 20),
        )
    assert error.value.field == "deputies"


# The schedule pages ------------------------------------------------------------------------


def test_staff_add_a_schedule_through_the_form(tenant_a, place, staff, frozen):
    form = url(tenant_a, f"schedules/new/?station={place['home'].pk}")
    page = staff.get(form)
    assert page.status_code == 200
    body = page.content.decode()
    assert "张桂芳" in body and "赵志强" in body  # the station's deputies, then anyone else
    assert "最后一天" in body  # the help on the 31st in short months
    response = staff.post(
        form,
        {
            "station": place["home"].pk,
            "rule": "day_of_month",
            "day_of_month": "15",
            "start_time": "09:00",
            "end_time": "11:30",
            "starts_on": "2025-09-20",
            "deputies": [place["deputies"][0].pk],
            "other_deputies": [place["elsewhere"].pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        schedule = ReceptionSchedule.objects.get()
        assert schedule.day_of_month == 15
        assert sorted(d.name for d in schedule.deputies.all()) == ["张桂芳", "赵志强"]
    assert _days(tenant_a, schedule) == [date(2025, 10, 15), date(2025, 11, 15), date(2025, 12, 15)]
    listing = staff.get(url(tenant_a, "schedules/")).content.decode()
    assert "每月15日" in listing


def test_the_schedule_form_keeps_the_input_and_says_what_is_wrong(tenant_a, place, staff, frozen):
    response = staff.post(
        url(tenant_a, "schedules/new/"),
        {
            "station": place["home"].pk,
            "rule": "weekday_of_month",
            "start_time": "11:00",
            "end_time": "09:00",
            "starts_on": "2025-09-20",
            "topic": "听取意见",
            "deputies": [place["deputies"][0].pk],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "听取意见" in body
    assert "结束时间必须晚于开始时间" in body
    with tenant_a.scope():
        assert not ReceptionSchedule.objects.exists()


def test_station_staff_plan_only_at_their_own_stations(tenant_a, place, client_as, frozen):
    client = client_as(tenant_a.user(Role.STATION_STAFF))
    # One station of their own: the choice is made for them.
    page = client.get(url(tenant_a, "schedules/new/"))
    assert page.status_code == 200
    assert page.context["station"] == place["home"]
    refused = client.get(url(tenant_a, f"new/?station={place['other'].pk}"))
    assert refused.status_code == 400
    with tenant_a.scope():
        foreign = ReceptionSchedule.objects.create(
            congress=tenant_a.congress,
            station=place["other"],
            rule=RepeatRule.DAY_OF_MONTH,
            day_of_month=1,
            start_time=time(9),
            end_time=time(10),
            starts_on=date(2025, 9, 20),
        )
    assert client.get(url(tenant_a, f"schedules/{foreign.pk}/")).status_code == 403


# Planning, moving, cancelling --------------------------------------------------------------


def test_staff_plan_a_single_day(tenant_a, place, staff, frozen):
    response = staff.post(
        url(tenant_a, "new/"),
        {
            "station": place["home"].pk,
            "date": "2025-09-25",
            "start_time": "14:30",
            "end_time": "17:00",
            "topic": "听取群众对养老服务的意见",
            "deputies": [place["deputies"][0].pk, place["deputies"][1].pk],
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        day = ReceptionDay.objects.get()
        assert day.schedule is None
        assert sorted(day.duties.values_list("deputy__name", flat=True)) == ["张桂芳", "李建国"]
        assert ReceptionDay.history.filter(id=day.pk).get().history_user == tenant_a.user(
            Role.COMMITTEE_STAFF
        )


def test_a_day_needs_a_deputy_and_nothing_typed_is_lost(tenant_a, place, staff, frozen):
    response = staff.post(
        url(tenant_a, "new/"),
        {
            "station": place["home"].pk,
            "date": "2025-09-25",
            "start_time": "14:30",
            "end_time": "17:00",
            "topic": "听取群众对养老服务的意见",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "听取群众对养老服务的意见" in body
    assert "请至少选择一位值班代表" in body


def test_a_second_day_at_the_same_time_is_refused(tenant_a, place, staff, frozen):
    with scopes_disabled():  # test setup
        ReceptionDayFactory(
            congress=tenant_a.congress, station=place["home"], date=date(2025, 9, 25)
        )
    response = staff.post(
        url(tenant_a, "new/"),
        {
            "station": place["home"].pk,
            "date": "2025-09-25",
            "start_time": "10:00",
            "end_time": "12:00",
            "deputies": [place["deputies"][0].pk],
        },
    )
    assert response.status_code == 400
    assert "该联络站在这个时间已有接待日" in response.content.decode()


def _planned_day(tenant, place, when=date(2025, 9, 20)) -> ReceptionDay:
    with scopes_disabled():  # test setup
        day = ReceptionDayFactory(congress=tenant.congress, station=place["home"], date=when)
        for deputy in place["deputies"]:
            ReceptionDutyFactory(reception_day=day, deputy=deputy)
    return day


def test_moving_a_day_changes_date_time_and_deputies_with_history(tenant_a, place, staff, frozen):
    day = _planned_day(tenant_a, place, date(2025, 9, 25))
    response = staff.post(
        url(tenant_a, f"{day.pk}/edit/"),
        {
            "date": "2025-09-26",
            "start_time": "15:00",
            "end_time": "17:00",
            "topic": "改期接待",
            "deputies": [place["deputies"][0].pk],
            "other_deputies": [place["elsewhere"].pk],
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        day.refresh_from_db()
        assert (day.date, day.start_time) == (date(2025, 9, 26), time(15, 0))
        assert sorted(day.duties.values_list("deputy__name", flat=True)) == ["张桂芳", "赵志强"]
        change = ReceptionDay.history.filter(id=day.pk).order_by("-history_id").first()
        assert change.history_changes["date"] == ["2025-09-25", "2025-09-26"]


def test_cancelling_keeps_the_reason_and_a_cancelled_day_cannot_be_moved(
    tenant_a, place, staff, frozen
):
    day = _planned_day(tenant_a, place, date(2025, 9, 25))
    assert staff.get(url(tenant_a, f"{day.pk}/cancel/")).status_code == 405
    response = staff.post(url(tenant_a, f"{day.pk}/cancel/"), {"reason": "防汛值守"})
    assert response.status_code == 302
    with tenant_a.scope():
        day.refresh_from_db()
        assert (day.status, day.summary) == (ReceptionStatus.CANCELLED, "防汛值守")
    moved = staff.get(url(tenant_a, f"{day.pk}/edit/"), follow=True)
    assert "只有计划中的接待日可以修改" in moved.content.decode()
    again = staff.post(url(tenant_a, f"{day.pk}/cancel/"), {}, follow=True)
    assert "只有计划中的接待日可以取消" in again.content.decode()


# Attendance --------------------------------------------------------------------------------


def test_recording_attendance_keeps_who_and_when_and_history(tenant_a, place, client_as, frozen):
    day = _planned_day(tenant_a, place)
    zhang, li, wang = place["deputies"]
    recorder = tenant_a.user(Role.STATION_STAFF)
    client = client_as(recorder)
    form = client.get(url(tenant_a, f"{day.pk}/attendance/"))
    assert form.status_code == 200
    response = client.post(
        url(tenant_a, f"{day.pk}/attendance/"),
        {
            f"attendance_{zhang.pk}": "attended",
            f"attendance_{li.pk}": "absent",
            f"attendance_{wang.pk}": "excused",
            "visitor_count": "12",
            "summary": "接待选民12人次，收集意见5条。",
        },
    )
    assert response.status_code == 302
    with tenant_a.scope():
        day.refresh_from_db()
        assert (day.status, day.visitor_count) == (ReceptionStatus.HELD, 12)
        duties = {d.deputy_id: d for d in ReceptionDuty.objects.filter(reception_day=day)}
        assert duties[zhang.pk].attendance == Attendance.ATTENDED
        assert duties[li.pk].attendance == Attendance.ABSENT
        assert duties[wang.pk].attendance == Attendance.EXCUSED
        assert {d.recorded_by for d in duties.values()} == {recorder}
        assert {d.recorded_at for d in duties.values()} == {FROZEN}
        history = ReceptionDuty.history.filter(id=duties[li.pk].pk).order_by("history_id")
        assert history.last().history_user == recorder
        assert history.last().history_changes["attendance"] == ["应到", "缺席"]
    page = client.get(url(tenant_a, f"{day.pk}/")).content.decode()
    assert "已举行" in page and "接待选民12人次" in page
    assert f"{recorder} 登记 李建国 为 缺席" in page


def test_a_correction_is_recorded_as_a_new_change(tenant_a, place, staff, frozen):
    day = _planned_day(tenant_a, place)
    attendance = {deputy.pk: Attendance.ATTENDED for deputy in place["deputies"]}
    with tenant_a.scope():
        reception_services.reception_day_record(
            actor=tenant_a.user(Role.STATION_STAFF), day=day, attendance=attendance, visitor_count=3
        )
        attendance[place["deputies"][1].pk] = Attendance.EXCUSED
        reception_services.reception_day_record(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            day=day,
            attendance=attendance,
            visitor_count=4,
        )
        duty = ReceptionDuty.objects.get(reception_day=day, deputy=place["deputies"][1])
        assert duty.recorded_by == tenant_a.user(Role.COMMITTEE_STAFF)
        assert ReceptionDuty.history.filter(id=duty.pk).count() == 3
        # The others did not change, so they keep who recorded them first.
        zhang = ReceptionDuty.objects.get(reception_day=day, deputy=place["deputies"][0])
        assert zhang.recorded_by == tenant_a.user(Role.STATION_STAFF)


def test_every_deputy_must_be_recorded_and_the_input_comes_back(tenant_a, place, staff, frozen):
    day = _planned_day(tenant_a, place)
    zhang = place["deputies"][0]
    response = staff.post(
        url(tenant_a, f"{day.pk}/attendance/"),
        {f"attendance_{zhang.pk}": "attended", "visitor_count": "7", "summary": "小结内容"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请选择这位代表是否到岗" in body
    assert "小结内容" in body and 'value="7"' in body
    with tenant_a.scope():
        day.refresh_from_db()
        assert day.status == ReceptionStatus.PLANNED


def test_attendance_waits_for_the_day_and_never_for_a_cancelled_one(tenant_a, place, staff, frozen):
    coming = _planned_day(tenant_a, place, date(2025, 9, 25))
    page = staff.get(url(tenant_a, f"{coming.pk}/attendance/"))
    assert "接待日当天或之后才能登记到岗情况" in page.content.decode()
    with tenant_a.scope(), pytest.raises(DomainError):
        reception_services.reception_day_record(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            day=coming,
            attendance={d.pk: Attendance.ATTENDED for d in place["deputies"]},
            visitor_count=1,
        )
    with tenant_a.scope():
        reception_services.reception_day_cancel(
            actor=tenant_a.user(Role.COMMITTEE_STAFF), day=coming
        )
    refused = staff.get(url(tenant_a, f"{coming.pk}/attendance/"), follow=True)
    assert "接待日已取消" in refused.content.decode()


def test_a_deputy_not_on_duty_cannot_be_recorded(tenant_a, place, frozen):
    day = _planned_day(tenant_a, place)
    attendance = {d.pk: Attendance.ATTENDED for d in place["deputies"]}
    attendance[place["elsewhere"].pk] = Attendance.ATTENDED
    with tenant_a.scope(), pytest.raises(DomainError) as error:
        reception_services.reception_day_record(
            actor=tenant_a.user(Role.COMMITTEE_STAFF),
            day=day,
            attendance=attendance,
            visitor_count=1,
        )
    assert error.value.field == "attendance"


# Who sees what -----------------------------------------------------------------------------


@pytest.fixture
def two_days(tenant_a, place):
    """A day at the home with the deputy account's deputy on duty, one elsewhere without."""
    with scopes_disabled():  # test setup
        mine = ReceptionDayFactory(
            congress=tenant_a.congress, station=place["home"], date=date(2025, 9, 30)
        )
        ReceptionDutyFactory(reception_day=mine, deputy=place["deputies"][0])
        theirs = ReceptionDayFactory(
            congress=tenant_a.congress, station=place["other"], date=date(2025, 9, 29)
        )
        ReceptionDutyFactory(reception_day=theirs, deputy=place["elsewhere"])
    return mine, theirs


def test_station_staff_see_only_their_stations_days(tenant_a, two_days, client_as, frozen):
    mine, theirs = two_days
    client = client_as(tenant_a.user(Role.STATION_STAFF))
    listed = client.get(url(tenant_a)).context["page"].object_list
    assert [day.pk for day in listed] == [mine.pk]
    assert client.get(url(tenant_a, f"{theirs.pk}/")).status_code == 403
    assert client.get(url(tenant_a, f"{theirs.pk}/attendance/")).status_code == 403
    assert client.post(url(tenant_a, f"{theirs.pk}/cancel/")).status_code == 403


def test_staff_and_leaders_see_every_day_upcoming_first(tenant_a, place, two_days, client_as):
    mine, theirs = two_days
    with scopes_disabled():  # test setup
        past = ReceptionDayFactory(
            congress=tenant_a.congress, station=place["home"], date=date(2025, 9, 1)
        )
    with time_machine.travel(FROZEN, tick=False):
        for role in (Role.COMMITTEE_STAFF, Role.LEADER):
            listed = client_as(tenant_a.user(role)).get(url(tenant_a)).context["page"].object_list
            assert [day.pk for day in listed] == [theirs.pk, mine.pk, past.pk]
        leader = client_as(tenant_a.user(Role.LEADER))
        assert leader.get(url(tenant_a, f"{theirs.pk}/")).status_code == 200
        assert leader.get(url(tenant_a, f"{theirs.pk}/edit/")).status_code == 403


def test_the_list_filters_by_station_month_and_status(tenant_a, place, two_days, staff, frozen):
    _mine, theirs = two_days
    by_station = staff.get(url(tenant_a), {"station": place["other"].pk})
    assert [d.pk for d in by_station.context["page"].object_list] == [theirs.pk]
    assert [d.pk for d in staff.get(url(tenant_a), {"month": "2025-10"}).context["page"]] == []
    september = staff.get(url(tenant_a), {"month": "2025-09", "status": "planned"})
    assert len(september.context["page"].object_list) == 2
    assert staff.get(url(tenant_a), {"status": "held"}).context["page"].object_list == []
    # Nonsense filters are ignored, not an error.
    assert staff.get(url(tenant_a), {"station": "x", "month": "13月"}).status_code == 200


def test_a_deputy_sees_only_their_own_days(tenant_a, two_days, client_as, frozen):
    mine, theirs = two_days
    client = client_as(tenant_a.user(Role.DEPUTY))
    response = client.get(url(tenant_a))
    assert [row.day.pk for row in response.context["upcoming"]] == [mine.pk]
    assert client.get(url(tenant_a, f"{mine.pk}/")).status_code == 200
    assert client.get(url(tenant_a, f"{theirs.pk}/")).status_code == 403
    assert client.get(url(tenant_a, f"{mine.pk}/edit/")).status_code == 403
    assert client.get(url(tenant_a, "schedules/")).status_code == 403


# A deputy's phone --------------------------------------------------------------------------


def test_the_deputy_phone_list_shows_the_next_60_days_and_past_attendance(
    tenant_a, place, client_as
):
    zhang = place["deputies"][0]
    with scopes_disabled():  # test setup
        rows = {}
        for label, when, status, attendance in [
            ("past", date(2025, 8, 15), ReceptionStatus.HELD, Attendance.EXCUSED),
            ("today", date(2025, 9, 20), ReceptionStatus.PLANNED, Attendance.EXPECTED),
            ("cancelled", date(2025, 10, 15), ReceptionStatus.CANCELLED, Attendance.EXPECTED),
            ("day60", date(2025, 11, 19), ReceptionStatus.PLANNED, Attendance.EXPECTED),
            ("day61", date(2025, 11, 20), ReceptionStatus.PLANNED, Attendance.EXPECTED),
        ]:
            day = ReceptionDayFactory(
                congress=tenant_a.congress, station=place["home"], date=when, status=status
            )
            ReceptionDutyFactory(reception_day=day, deputy=zhang, attendance=attendance)
            ReceptionDutyFactory(reception_day=day, deputy=place["deputies"][1])
            rows[label] = day
    with time_machine.travel(FROZEN, tick=False):
        response = client_as(tenant_a.user(Role.DEPUTY)).get(url(tenant_a))
    assert response.status_code == 200
    context = response.context
    assert [row.day.pk for row in context["upcoming"]] == [
        rows["today"].pk,
        rows["cancelled"].pk,
        rows["day60"].pk,
    ]
    assert context["upcoming"][0].colleagues == ["李建国"]
    assert [(row.day.pk, row.attendance) for row in context["past"]] == [
        (rows["past"].pk, Attendance.EXCUSED)
    ]
    body = response.content.decode()
    assert "我的接待日" in body
    assert "凤凰路1号" in body and "真武山街道人大代表之家" in body
    assert "2025年9月20日" in body and "星期六" in body and "09:00–11:30" in body
    assert "请假" in body and "已取消" in body
    assert "2025年11月20日" not in body


def test_next_reception_for_the_deputy_home_box(tenant_a, place, two_days, frozen):
    mine, _theirs = two_days
    with tenant_a.scope():
        found = reception_selectors.next_reception_for_deputy_user(tenant_a.user(Role.DEPUTY))
        assert found == mine
        assert found.station.name == "真武山街道人大代表之家"
        reception_services.reception_day_cancel(actor=tenant_a.user(Role.COMMITTEE_STAFF), day=mine)
        assert (
            reception_selectors.next_reception_for_deputy_user(tenant_a.user(Role.DEPUTY)) is None
        )
        assert (
            reception_selectors.next_reception_for_deputy_user(tenant_a.user(Role.COMMITTEE_STAFF))
            is None
        )


# Fixed queries -----------------------------------------------------------------------------


def _more_days(tenant, station, count, start=date(2025, 9, 21)):
    with scopes_disabled():  # test setup
        for number in range(count):
            day = ReceptionDayFactory(
                congress=tenant.congress, station=station, date=start + timedelta(days=number)
            )
            for _n in range(3):
                ReceptionDutyFactory(reception_day=day, deputy__congress=tenant.congress)


@pytest.mark.parametrize("role", [Role.COMMITTEE_STAFF, Role.STATION_STAFF])
def test_the_list_runs_a_fixed_number_of_queries(tenant_a, place, client_as, frozen, role):
    client = client_as(tenant_a.user(role))
    _more_days(tenant_a, place["home"], 2)
    client.get(url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        client.get(url(tenant_a))
    _more_days(tenant_a, place["home"], 25, start=date(2025, 10, 1))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(tenant_a))
    assert len(response.context["page"].object_list) == 27
    assert len(many) == len(few)


def test_the_deputy_page_and_the_schedules_run_a_fixed_number_of_queries(
    tenant_a, place, client_as, staff, frozen
):
    deputy = client_as(tenant_a.user(Role.DEPUTY))

    def add(count, offset):
        with scopes_disabled():  # test setup
            for number in range(count):
                day = ReceptionDayFactory(
                    congress=tenant_a.congress,
                    station=place["home"],
                    date=date(2025, 9, 1) + timedelta(days=offset + number * 2),
                )
                ReceptionDutyFactory(reception_day=day, deputy=place["deputies"][0])
                ReceptionDutyFactory(reception_day=day, deputy=place["deputies"][1])

    add(2, 0)
    _schedule(tenant_a, place)
    deputy.get(url(tenant_a))
    with CaptureQueriesContext(connection) as few:
        deputy.get(url(tenant_a))
    staff.get(url(tenant_a, "schedules/"))
    with CaptureQueriesContext(connection) as few_schedules:
        staff.get(url(tenant_a, "schedules/"))
    add(20, 1)
    _schedule(tenant_a, place, week_of_month=3)
    _schedule(tenant_a, place, week_of_month=-1)
    with CaptureQueriesContext(connection) as many:
        response = deputy.get(url(tenant_a))
    assert len(response.context["upcoming"]) + len(response.context["past"]) > 20
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as many_schedules:
        listed = staff.get(url(tenant_a, "schedules/"))
    assert len(listed.context["schedules"]) == 3
    assert len(many_schedules) == len(few_schedules)


# The daily job and the demo ----------------------------------------------------------------


def test_the_daily_job_extends_every_schedule(tenant_a, place, frozen):
    from liaison.reception_tasks import extend_reception_schedules

    schedule = _schedule(tenant_a, place)
    with time_machine.travel(datetime(2025, 12, 10, 8, tzinfo=SHANGHAI), tick=False):
        extend_reception_schedules.delay(congress_id=tenant_a.congress.pk)
    with tenant_a.scope():
        run = JobRun.objects.get(task_name="liaison.reception_tasks.extend_reception_schedules")
        assert run.status == JobStatus.SUCCEEDED
        assert run.result == {"schedules": 1, "days_created": 3}
    # Ninety days from 10 December reach 10 March.
    assert _days(tenant_a, schedule)[-3:] == [date(2026, 1, 6), date(2026, 2, 3), date(2026, 3, 3)]


def test_the_home_page_box_shows_the_next_day(tenant_a, two_days, frozen):
    from django.template.loader import render_to_string

    mine, _theirs = two_days
    with tenant_a.scope():
        day = reception_selectors.next_reception_for_deputy_user(tenant_a.user(Role.DEPUTY))
        html = render_to_string(
            "liaison/receptions/next_box.html",
            {"next_reception": day, "congress": tenant_a.congress},
        )
        empty = render_to_string(
            "liaison/receptions/next_box.html",
            {"next_reception": None, "congress": tenant_a.congress},
        )
    assert "我的下一个接待日" in html
    assert "2025年9月30日" in html and "真武山街道人大代表之家" in html and "凤凰路1号" in html
    assert url(tenant_a, f"{mine.pk}/") in html
    assert "目前没有为您安排接待日" in empty


def test_the_filters_answer_htmx_with_the_table_only(tenant_a, two_days, staff, frozen):
    response = staff.get(
        url(tenant_a),
        {"month": "2025-09"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="reception-table",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="reception-table">')
    assert "<html" not in body and "真武山街道人大代表之家" in body
