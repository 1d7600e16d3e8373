"""The daily reminders: messages due by the next working day or overdue, tomorrow's reception
days; each notice once, across the National Day holiday."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.models import JobRun, JobStatus, Membership, Notification, Role
from congress.schedules import BEAT_SCHEDULE
from congress.tasks import run_for_each_congress
from liaison.models import Attendance, MessageStatus, ReceptionStatus
from liaison.reminders import (
    KIND_DUE_SOON,
    KIND_OVERDUE,
    KIND_OVERDUE_SUMMARY,
    KIND_RECEPTION_TOMORROW,
    message_reminders,
    send_daily_reminders_for,
)
from suggestions.models import UnitLiaison
from tests.factories import (
    DeputyFactory,
    HandlingUnitFactory,
    LiaisonStationFactory,
    ReceptionDayFactory,
    ReceptionDutyFactory,
    StationDeputyFactory,
    StationStaffFactory,
    UserFactory,
    VoterMessageFactory,
)


def at(moment: str):
    return time_machine.travel(f"{moment} +0800", tick=False)


@pytest.fixture
def setting(tenant_a):
    """A message to the deputy, at a station with staff, forwarded to a unit with a liaison."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        deputy = DeputyFactory(congress=congress, user=tenant_a.user(Role.DEPUTY))
        station = LiaisonStationFactory(congress=congress, name="城关代表联络站")
        StationStaffFactory(station=station, user=tenant_a.user(Role.STATION_STAFF))
        unit = HandlingUnitFactory(congress=congress, name="区住建局")
        UnitLiaison.objects.create(
            congress=congress, unit=unit, user=tenant_a.user(Role.UNIT_LIAISON)
        )
        message = VoterMessageFactory(
            congress=congress,
            deputy=deputy,
            station=station,
            forwarded_to_unit=unit,
            status=MessageStatus.FORWARDED,
            topic="urban",
            due_on=date(2026, 10, 8),
        )
    return {"deputy": deputy, "station": station, "unit": unit, "message": message}


def run(tenant, moment: str) -> dict:
    with at(moment), tenant.scope():
        from django.utils import timezone

        return send_daily_reminders_for(congress=tenant.congress, today=timezone.localdate())


def notices(tenant, **filters) -> list[tuple[str, str, str]]:
    with tenant.scope():
        return sorted(
            Notification.objects.filter(**filters).values_list("user__username", "kind", "title")
        )


def told(tenant, kind) -> set[str]:
    return {
        Membership.objects.get(user__username=username).role
        for username, _kind, _title in notices(tenant, kind=kind)
    }


# --- Voter messages across the National Day holiday -----------------------------------------


def test_nothing_is_due_two_working_days_ahead(tenant_a, setting):
    assert run(tenant_a, "2026-09-29 08:00")["message_notices"] == 0
    assert notices(tenant_a) == []


def test_the_last_working_day_before_the_holiday_warns_of_the_due_date_after_it(tenant_a, setting):
    assert run(tenant_a, "2026-09-30 08:00")["message_notices"] == 3
    with scopes_disabled():
        assert told(tenant_a, KIND_DUE_SOON) == {
            Role.DEPUTY,
            Role.STATION_STAFF,
            Role.UNIT_LIAISON,
        }
    titles = {title for _user, _kind, title in notices(tenant_a)}
    assert titles == {"选民留言将于10月8日到期：城建交通"}
    with tenant_a.scope():
        notice = Notification.objects.filter(user=tenant_a.user(Role.DEPUTY)).get()
    assert notice.url == f"/c/{tenant_a.congress.slug}/messages/{setting['message'].pk}/"
    assert notice.body.startswith("小区门口的路灯坏了")


@pytest.mark.parametrize("day", ["2026-10-01", "2026-10-03", "2026-10-07"])
def test_nothing_is_sent_during_the_holiday(tenant_a, setting, day):
    assert run(tenant_a, f"{day} 08:00") == {"message_notices": 0, "reception_notices": 0}
    assert notices(tenant_a) == []


def test_each_notice_goes_once_then_overdue_is_said_once_and_staff_get_a_count(tenant_a, setting):
    run(tenant_a, "2026-09-30 08:00")
    assert run(tenant_a, "2026-09-30 17:00")["message_notices"] == 0  # twice a day: once
    assert run(tenant_a, "2026-10-08 08:00")["message_notices"] == 0  # due today: already told
    assert len(notices(tenant_a)) == 3

    # 9 October: overdue. Those it reaches hear it once; committee staff get one count.
    assert run(tenant_a, "2026-10-09 08:00")["message_notices"] == 3 + 2
    with scopes_disabled():
        assert told(tenant_a, KIND_OVERDUE) == {Role.DEPUTY, Role.STATION_STAFF, Role.UNIT_LIAISON}
        assert told(tenant_a, KIND_OVERDUE_SUMMARY) == {Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF}
    overdue_titles = {t for _u, k, t in notices(tenant_a) if k == KIND_OVERDUE}
    assert overdue_titles == {"选民留言已超期（期限10月8日）：城建交通"}
    summary = notices(tenant_a, kind=KIND_OVERDUE_SUMMARY)
    assert {title for _u, _k, title in summary} == {"1条留言已超期"}
    with tenant_a.scope():
        assert Notification.objects.filter(kind=KIND_OVERDUE_SUMMARY).first().url == (
            f"/c/{tenant_a.congress.slug}/messages/overdue/"
        )

    # The next working day: the overdue message is not repeated, the staff count is new.
    assert run(tenant_a, "2026-10-09 18:00")["message_notices"] == 0
    assert run(tenant_a, "2026-10-10 08:00")["message_notices"] == 2
    assert len(notices(tenant_a, kind=KIND_OVERDUE)) == 3


def test_answered_and_closed_messages_are_not_reminded(tenant_a, setting):
    with scopes_disabled():  # test setup
        for status in (MessageStatus.ANSWERED, MessageStatus.CLOSED):
            VoterMessageFactory(congress=tenant_a.congress, status=status, due_on=date(2026, 10, 8))
        message = setting["message"]
        message.status = MessageStatus.ANSWERED
        message.save()
    assert run(tenant_a, "2026-10-09 08:00")["message_notices"] == 0


def test_reminders_follow_who_the_message_reaches(tenant_a, setting):
    """The deputy it was forwarded to and the staff of the deputy's other station are told;
    an account whose role is not the one the link implies, or whose membership is withdrawn,
    is not."""
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        other_station = StationDeputyFactory(
            station__congress=congress, deputy=setting["deputy"]
        ).station
        other_staff = UserFactory()
        Membership.objects.create(congress=congress, user=other_staff, role=Role.STATION_STAFF)
        StationStaffFactory(station=other_station, user=other_staff)
        # A leader's account linked to the station does not make them station staff.
        StationStaffFactory(station=setting["station"], user=tenant_a.user(Role.LEADER))
        forwarded_to = UserFactory()
        Membership.objects.create(congress=congress, user=forwarded_to, role=Role.DEPUTY)
        message = setting["message"]
        message.forwarded_to_deputy = DeputyFactory(congress=congress, user=forwarded_to)
        message.save()
        withdrawn = Membership.objects.get(user=tenant_a.user(Role.UNIT_LIAISON))
        withdrawn.is_active = False
        withdrawn.save()
    run(tenant_a, "2026-09-30 08:00")
    users = {username for username, _k, _t in notices(tenant_a)}
    assert users == {
        tenant_a.user(Role.DEPUTY).username,
        tenant_a.user(Role.STATION_STAFF).username,
        other_staff.username,
        forwarded_to.username,
    }


def test_the_reminders_take_a_fixed_number_of_queries(tenant_a, setting):
    def count_queries() -> int:
        with at("2026-09-30 08:00"), tenant_a.scope(), CaptureQueriesContext(connection) as q:
            reminders = message_reminders(congress=tenant_a.congress, today=date(2026, 9, 30))
        assert reminders
        return len(q)

    def add_overdue_messages(count: int) -> None:
        with scopes_disabled():  # test setup
            for _n in range(count):
                station = LiaisonStationFactory(congress=tenant_a.congress)
                StationStaffFactory(station=station, user=tenant_a.user(Role.STATION_STAFF))
                VoterMessageFactory(
                    congress=tenant_a.congress,
                    station=station,
                    forwarded_to_unit=setting["unit"],
                    status=MessageStatus.REGISTERED,
                    due_on=date(2026, 9, 20),
                )

    add_overdue_messages(1)
    few = count_queries()
    add_overdue_messages(12)
    assert count_queries() == few


# --- Reception days -------------------------------------------------------------------------


@pytest.fixture
def reception(tenant_a):
    with scopes_disabled():  # test setup
        congress = tenant_a.congress
        station = LiaisonStationFactory(
            congress=congress, name="古城街道代表之家", address="襄城区古城街道北街12号"
        )
        day = ReceptionDayFactory(
            congress=congress,
            station=station,
            date=date(2026, 11, 22),
            start_time=time(9, 0),
            end_time=time(11, 30),
            topic="老旧小区改造",
        )
        on_duty = DeputyFactory(congress=congress, user=tenant_a.user(Role.DEPUTY))
        ReceptionDutyFactory(reception_day=day, deputy=on_duty)
        ReceptionDutyFactory(reception_day=day)  # a deputy without an account
        excused_user = UserFactory()
        Membership.objects.create(congress=congress, user=excused_user, role=Role.DEPUTY)
        ReceptionDutyFactory(
            reception_day=day,
            deputy=DeputyFactory(congress=congress, user=excused_user),
            attendance=Attendance.EXCUSED,
        )
        cancelled = ReceptionDayFactory(
            congress=congress, date=date(2026, 11, 22), status=ReceptionStatus.CANCELLED
        )
        ReceptionDutyFactory(reception_day=cancelled, deputy=on_duty)
        later = ReceptionDayFactory(congress=congress, date=date(2026, 11, 23))
        ReceptionDutyFactory(reception_day=later, deputy=on_duty)
    return day


def test_deputies_on_duty_tomorrow_are_told_once(tenant_a, reception):
    assert run(tenant_a, "2026-11-20 08:00")["reception_notices"] == 0
    # Saturday 21 November: reception reminders go out on days off too.
    assert run(tenant_a, "2026-11-21 08:00")["reception_notices"] == 1
    assert run(tenant_a, "2026-11-21 20:00")["reception_notices"] == 0
    [(username, kind, title)] = notices(tenant_a)
    assert (username, kind) == (tenant_a.user(Role.DEPUTY).username, KIND_RECEPTION_TOMORROW)
    assert title == "明天您在古城街道代表之家接待选民"
    with tenant_a.scope():
        notice = Notification.objects.get()
    assert notice.body == (
        "时间：11月22日 09:00–11:30；地址：襄城区古城街道北街12号。 主题：老旧小区改造。"
    )
    assert notice.url == f"/c/{tenant_a.congress.slug}/receptions/{reception.pk}/"


def test_a_moved_reception_day_is_announced_again(tenant_a, reception):
    run(tenant_a, "2026-11-21 08:00")
    with scopes_disabled():  # test setup: the day moves to the 25th
        reception.date = date(2026, 11, 25)
        reception.save()
    assert run(tenant_a, "2026-11-24 08:00")["reception_notices"] == 1
    assert len(notices(tenant_a, kind=KIND_RECEPTION_TOMORROW)) == 2


# --- The job --------------------------------------------------------------------------------


def test_the_daily_job_runs_for_each_congress(tenant_a, tenant_b, setting):
    with at("2026-09-30 08:00"):
        assert run_for_each_congress.delay("liaison.reminders.send_daily_reminders").get() == 2
    with tenant_a.scope():
        job = JobRun.objects.get(task_name="liaison.reminders.send_daily_reminders")
        assert job.status == JobStatus.SUCCEEDED
        assert job.result == {"message_notices": 3, "reception_notices": 0}
        assert job.label == "每日提醒"
    with tenant_b.scope():
        job = JobRun.objects.get(task_name="liaison.reminders.send_daily_reminders")
        assert job.result == {"message_notices": 0, "reception_notices": 0}
    assert len(notices(tenant_a)) == 3
    assert notices(tenant_b) == []


def test_the_job_is_scheduled_every_morning():
    entry = BEAT_SCHEDULE["daily-reminders"]
    assert entry["task"] == "congress.tasks.run_for_each_congress"
    assert entry["args"] == ("liaison.reminders.send_daily_reminders",)
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {0}
