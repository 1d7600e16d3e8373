"""The working-day calendar for staff: the month grid, a congress's own days, a whole holiday
notice at once, and the warning when next year's holidays are unknown."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from congress.calendar import is_working_day
from congress.calendar_services import (
    SOURCE_NATIONAL,
    SOURCE_OVERRIDE,
    SOURCE_WEEKDAY,
    month_weeks,
)
from congress.models import CalendarOverride, Role

STAFF = (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF)


def url(tenant, suffix=""):
    return f"/c/{tenant.congress.slug}/calendar/{suffix}"


def override(tenant, day, *, working=False, note=""):
    with scopes_disabled():  # test setup
        return CalendarOverride.objects.create(
            congress=tenant.congress, date=day, is_working_day=working, note=note
        )


def days_of(tenant, year=None):
    with tenant.scope():
        queryset = CalendarOverride.objects.order_by("date")
        if year:
            queryset = queryset.filter(date__year=year)
        return [(o.date.isoformat(), o.is_working_day, o.note) for o in queryset]


@pytest.fixture
def staff(tenant_a, client_as):
    return client_as(tenant_a.user(Role.COMMITTEE_STAFF))


# --- Who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_only_staff_manage_the_calendar(role, tenant_a, client_as):
    client = client_as(tenant_a.user(role))
    day = override(tenant_a, date(2027, 1, 1))
    expected = 200 if role in STAFF else 403
    assert client.get(url(tenant_a)).status_code == expected
    response = client.post(url(tenant_a, "new/"), {"date": "2027-05-06", "kind": "off"})
    assert response.status_code == (302 if role in STAFF else 403)
    response = client.post(url(tenant_a, f"{day.pk}/delete/"))
    assert response.status_code == (302 if role in STAFF else 403)
    expected_days = [("2027-05-06", False, "")] if role in STAFF else [("2027-01-01", False, "")]
    assert days_of(tenant_a) == expected_days


def test_the_navigation_links_the_calendar_for_staff_only(tenant_a, client_as):
    staff_home = client_as(tenant_a.user(Role.COMMITTEE_STAFF)).get(f"/c/{tenant_a.congress.slug}/")
    leader_home = client_as(tenant_a.user(Role.LEADER)).get(f"/c/{tenant_a.congress.slug}/")
    assert f'href="{url(tenant_a)}"' in staff_home.content.decode()
    assert f'href="{url(tenant_a)}"' not in leader_home.content.decode()


# --- The month grid -------------------------------------------------------------------------


def test_the_month_grid_shows_where_each_answer_comes_from(tenant_a, staff):
    override(tenant_a, date(2026, 10, 12), note="区庆")
    response = staff.get(url(tenant_a), {"month": "2026-10"})
    assert response.status_code == 200
    days = {day.day: day for week in response.context["weeks"] for day in week}
    national_day = days[date(2026, 10, 1)]
    assert (national_day.is_working_day, national_day.source) == (False, SOURCE_NATIONAL)
    assert national_day.note == "国庆节"
    make_up = days[date(2026, 10, 10)]  # a Saturday worked to make up for the holiday
    assert (make_up.is_working_day, make_up.source) == (True, SOURCE_NATIONAL)
    local = days[date(2026, 10, 12)]
    assert (local.is_working_day, local.source, local.note) == (False, SOURCE_OVERRIDE, "区庆")
    assert days[date(2026, 9, 28)].in_month is False  # the grid starts on a Monday
    body = response.content.decode()
    assert "2026年10月" in body
    assert "国庆节" in body and "区庆" in body
    assert "?month=2026-09" in body and "?month=2026-11" in body


def test_an_unannounced_year_shows_the_weekday_fallback(tenant_a, staff):
    new_year = override(tenant_a, date(2027, 1, 1), note="元旦")
    response = staff.get(url(tenant_a), {"month": "2027-01"})
    days = {day.day: day for week in response.context["weeks"] for day in week}
    assert days[date(2027, 1, 1)].source == SOURCE_OVERRIDE
    assert (days[date(2027, 1, 4)].is_working_day, days[date(2027, 1, 4)].source) == (
        True,
        SOURCE_WEEKDAY,
    )
    assert days[date(2027, 1, 9)].is_working_day is False
    body = response.content.decode()
    assert "推算" in body and "本会" in body
    # A day already entered links to its own entry; another day to a form with its date.
    assert f'href="{url(tenant_a, f"{new_year.pk}/")}"' in body
    assert url(tenant_a, "new/") + "?date=2027-01-04" in body


@pytest.mark.parametrize("month", [(2026, 2), (2026, 9), (2026, 10), (2026, 12), (2027, 1)])
def test_the_grid_agrees_with_the_calendar_service(tenant_a, month):
    override(tenant_a, date(2026, 10, 12))
    override(tenant_a, date(2027, 1, 2), working=True)
    with tenant_a.scope():
        for week in month_weeks(year=month[0], month=month[1]):
            for day in week:
                assert day.is_working_day == is_working_day(day.day), day


@pytest.mark.parametrize("month", ["garbage", "2026-13", "1800-01", "2026-1-1", ""])
def test_a_bad_month_shows_this_month(month, tenant_a, staff):
    with time_machine.travel("2026-11-21 09:00 +0800", tick=False):
        response = staff.get(url(tenant_a), {"month": month, "year": "abc"})
    assert response.status_code == 200
    assert response.context["shown_month"] == date(2026, 11, 1)
    assert response.context["list_year"] == 2026


def test_the_page_queries_do_not_grow_with_the_entries(tenant_a, staff):
    override(tenant_a, date(2027, 1, 1))
    staff.get(url(tenant_a), {"year": 2027, "month": "2027-01"})
    with CaptureQueriesContext(connection) as few:
        staff.get(url(tenant_a), {"year": 2027, "month": "2027-01"})
    for offset in range(1, 40):
        override(tenant_a, date(2027, 1, 1) + timedelta(days=offset * 3))
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url(tenant_a), {"year": 2027, "month": "2027-01"})
    assert len(response.context["overrides"]) == 40
    assert len(many) == len(few)


# --- One day --------------------------------------------------------------------------------


def test_staff_add_a_day_with_a_note(tenant_a, staff):
    response = staff.post(
        url(tenant_a, "new/"), {"date": "2027-02-06", "kind": "work", "note": "春节调休上班"}
    )
    assert response.status_code == 302
    assert response["Location"] == url(tenant_a) + "?year=2027&month=2027-02"
    assert days_of(tenant_a) == [("2027-02-06", True, "春节调休上班")]
    with tenant_a.scope():
        record = CalendarOverride.history.get()
    assert record.history_user == tenant_a.user(Role.COMMITTEE_STAFF)
    page = staff.get(response["Location"]).content.decode()
    assert "2027-02-06 已保存。" in page
    assert "春节调休上班" in page


def test_the_add_form_takes_the_date_from_the_grid(tenant_a, staff):
    response = staff.get(url(tenant_a, "new/"), {"date": "2027-03-08"})
    assert 'value="2027-03-08"' in response.content.decode()
    assert staff.get(url(tenant_a, "new/"), {"date": "nonsense"}).status_code == 200


def test_a_date_is_entered_once(tenant_a, staff):
    override(tenant_a, date(2027, 1, 1), note="元旦")
    response = staff.post(
        url(tenant_a, "new/"), {"date": "2027-01-01", "kind": "work", "note": "值班"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "2027-01-01 已有设置，请修改原有的那条。" in body
    assert 'value="值班"' in body  # what was typed comes back
    assert days_of(tenant_a) == [("2027-01-01", False, "元旦")]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"date": "2027-02-30", "kind": "off"}, "输入一个有效的日期。"),
        ({"date": "1999-12-31", "kind": "off"}, "请输入2000年至2100年之间的日期。"),
        ({"date": "2027-02-03", "kind": "maybe"}, "选择一个有效的选项"),
        ({"date": "2027-02-03", "kind": "off", "note": "长" * 101}, "100"),
    ],
)
def test_bad_input_is_refused_in_chinese(data, error, tenant_a, staff):
    response = staff.post(url(tenant_a, "new/"), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert days_of(tenant_a) == []


def test_staff_change_a_day(tenant_a, staff):
    day = override(tenant_a, date(2027, 1, 1), note="元旦")
    override(tenant_a, date(2027, 1, 2))
    page = staff.get(url(tenant_a, f"{day.pk}/")).content.decode()
    assert 'value="2027-01-01"' in page and 'value="元旦"' in page
    response = staff.post(url(tenant_a, f"{day.pk}/"), {"date": "2027-01-02", "kind": "off"})
    assert "2027-01-02 已有设置" in response.content.decode()
    response = staff.post(
        url(tenant_a, f"{day.pk}/"), {"date": "2027-01-01", "kind": "work", "note": "补班"}
    )
    assert response.status_code == 302
    assert days_of(tenant_a) == [("2027-01-01", True, "补班"), ("2027-01-02", False, "")]


def test_staff_remove_a_day(tenant_a, staff):
    day = override(tenant_a, date(2027, 1, 1))
    assert staff.get(url(tenant_a, f"{day.pk}/delete/")).status_code == 405
    response = staff.post(url(tenant_a, f"{day.pk}/delete/"))
    assert response.status_code == 302
    assert days_of(tenant_a) == []
    page = staff.get(response["Location"]).content.decode()
    assert "2027-01-01 已恢复按国务院公布的安排计算。" in page
    assert staff.post(url(tenant_a, f"{day.pk}/delete/")).status_code == 404


def test_another_congress_day_is_not_found(tenant_a, tenant_b, staff):
    theirs = override(tenant_b, date(2027, 1, 1))
    assert staff.get(url(tenant_a, f"{theirs.pk}/")).status_code == 404
    assert staff.post(url(tenant_a, f"{theirs.pk}/delete/")).status_code == 404
    assert days_of(tenant_b) == [("2027-01-01", False, "")]


# --- A whole holiday notice -----------------------------------------------------------------

NOTICE = """
2027-01-01 休 元旦
2027-02-06~2027-02-12 休 春节
2027/2/14 班 春节调休
2027年4月5日 放假 清明节

2027-10-01 至 2027-10-07 休 国庆节
2027-10-09 补班
"""


def test_staff_enter_a_whole_notice_at_once(tenant_a, staff):
    override(tenant_a, date(2027, 1, 1), working=True, note="原来的")
    response = staff.post(url(tenant_a, "bulk/"), {"text": NOTICE})
    assert response.status_code == 302
    assert response["Location"] == url(tenant_a) + "?year=2027&month=2027-01"
    saved = days_of(tenant_a)
    assert len(saved) == 1 + 7 + 1 + 1 + 7 + 1
    assert saved[0] == ("2027-01-01", False, "元旦")
    assert ("2027-02-09", False, "春节") in saved
    assert ("2027-02-14", True, "春节调休") in saved
    assert ("2027-04-05", False, "清明节") in saved
    assert ("2027-10-09", True, "") in saved
    page = staff.get(response["Location"]).content.decode()
    assert "录入完成：新增17天，修改1天。" in page
    with tenant_a.scope():
        assert is_working_day(date(2027, 2, 14)) and not is_working_day(date(2027, 10, 4))
        history = CalendarOverride.history.filter(history_user=tenant_a.user(Role.COMMITTEE_STAFF))
        assert history.filter(history_type="+").count() == 17
        changed = history.get(history_type="~")
        assert changed.history_changes["note"] == ["原来的", "元旦"]


def test_entering_the_same_notice_twice_changes_nothing(tenant_a, staff):
    staff.post(url(tenant_a, "bulk/"), {"text": NOTICE})
    response = staff.post(url(tenant_a, "bulk/"), {"text": NOTICE}, follow=True)
    assert "录入完成：新增0天，修改0天。" in response.content.decode()
    assert len(days_of(tenant_a)) == 18


def test_every_bad_line_is_reported_and_the_text_kept(tenant_a, staff):
    text = "\n".join(
        [
            "2027-01-01 休 元旦",
            "2027-02-30 休",
            "明年元旦放假",
            "2027-03-01 睡觉",
            "2027-05-05~2027-05-01 休",
            "2027-06-01~2027-08-01 休",
            "2027-01-01 班",
            "2027-09-01 休 " + "长" * 101,
        ]
    )
    response = staff.post(url(tenant_a, "bulk/"), {"text": text})
    assert response.status_code == 200
    body = response.content.decode()
    for message in [
        "第2行：2027-02-30 不是有效的日期。",
        "第3行：无法识别，请按“2027-01-01 休 元旦”的格式填写。",
        "第4行：“睡觉”应为“休”（放假）或“班”（上班）。",
        "第5行：结束日期早于开始日期。",
        "第6行：一段日期最多31天。",
        "第7行：2027-01-01 与第1行重复。",
        "第8行：备注最多100个字。",
    ]:
        assert message in body, message
    assert "明年元旦放假" in body  # the text comes back as typed
    assert days_of(tenant_a) == []  # nothing is saved while any line is wrong


def test_an_empty_notice_is_refused(tenant_a, staff):
    response = staff.post(url(tenant_a, "bulk/"), {"text": "\n# 只有注释\n"})
    assert "请至少填写一天。" in response.content.decode()
    response = staff.post(url(tenant_a, "bulk/"), {"text": ""})
    assert response.status_code == 200
    assert days_of(tenant_a) == []


def test_too_many_days_at_once_are_refused(tenant_a, staff):
    text = "\n".join(
        f"{(date(2027, 1, 1) + timedelta(days=31 * n)).isoformat()}~"
        f"{(date(2027, 1, 1) + timedelta(days=31 * n + 30)).isoformat()} 休"
        for n in range(12)
    )
    response = staff.post(url(tenant_a, "bulk/"), {"text": text})
    assert "一次最多录入366天。" in response.content.decode()
    assert days_of(tenant_a) == []


# --- The warning ----------------------------------------------------------------------------

WARNING = "系统尚未收到2027年的节假日安排，期限暂按周一至周五计算，请录入国务院公布的放假安排"


@pytest.mark.parametrize("role", STAFF)
def test_staff_are_warned_when_next_years_holidays_are_unknown(role, tenant_a, client_as):
    client = client_as(tenant_a.user(role))
    with time_machine.travel("2026-11-21 09:00 +0800", tick=False):
        home = client.get(f"/c/{tenant_a.congress.slug}/").content.decode()
        calendar_page = client.get(url(tenant_a)).content.decode()
    assert WARNING in home and WARNING in calendar_page
    assert f'<a href="{url(tenant_a)}">打开工作日历</a>' in home
    assert "打开工作日历" not in calendar_page  # no link to the page one is on


def test_no_warning_while_the_year_is_known(tenant_a, client_as):
    client = client_as(tenant_a.user(Role.COMMITTEE_STAFF))
    with time_machine.travel("2026-03-01 09:00 +0800", tick=False):
        home = client.get(f"/c/{tenant_a.congress.slug}/").content.decode()
        calendar_page = client.get(url(tenant_a)).content.decode()
    assert "系统尚未收到" not in home and "系统尚未收到" not in calendar_page


def test_the_warning_goes_once_the_year_is_entered(tenant_a, staff):
    with time_machine.travel("2026-11-21 09:00 +0800", tick=False):
        staff.post(url(tenant_a, "bulk/"), {"text": NOTICE})
        home = staff.get(f"/c/{tenant_a.congress.slug}/").content.decode()
    assert "系统尚未收到" not in home


def test_other_roles_are_not_warned(tenant_a, client_as):
    with time_machine.travel("2026-11-21 09:00 +0800", tick=False):
        for role in (Role.LEADER, Role.DEPUTY, Role.STATION_STAFF, Role.UNIT_LIAISON):
            home = client_as(tenant_a.user(role)).get(f"/c/{tenant_a.congress.slug}/")
            assert "系统尚未收到" not in home.content.decode()
