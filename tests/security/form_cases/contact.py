"""The forms where voters and deputies meet: voter messages, reception days, group projects,
the public pages."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_scopes import scopes_disabled

from congress.models import Role
from liaison.models import (
    DeputyGroup,
    GroupProject,
    LiaisonStation,
    MessageStatus,
    ReceptionSchedule,
    ScheduleDeputy,
    VoterMessage,
)
from tests.security.conftest import World
from tests.security.form_cases import FormCase, my_deputy

# Texts pasted in one go, a little longer than the form allows.
LONG_NOTE = "已电话联系社区居委会和区住建局，约定下周一到现场查看路灯线路，" * 17  # > 500
LONG_ANSWER = "您反映的小区门口路灯损坏问题，我已转交区住建局并实地查看，" * 70  # > 2000
LONG_REASON = "2026年3月5日选民本人到东津镇代表联络站口头申请删除其留言中的个人信息，" * 15
LONG_CANCEL = "因镇政府临时召开防汛会议，联络站工作人员和代表均需参加，接待日改期，" * 16
ANSWER_TEXT = "路灯已于3月10日修复，感谢您的反映。"


def _message(world: World, index: int) -> VoterMessage:
    with scopes_disabled():  # test setup
        return VoterMessage.objects.get(pk=world.ids["message_id"][index])


def _answered(world: World) -> None:
    """The first message answered by its deputy, waiting for the voter's rating."""
    with scopes_disabled():  # test setup
        VoterMessage.objects.filter(pk=world.ids["message_id"][0]).update(
            status=MessageStatus.ANSWERED, answer=ANSWER_TEXT, answered_at=timezone.now()
        )


def _schedule(world: World) -> None:
    """A repeating reception day at the world's station (first Tuesday of each month)."""
    with scopes_disabled():  # test setup
        station = LiaisonStation.objects.get(pk=world.ids["station_id"][0])
        schedule = ReceptionSchedule.objects.create(
            congress=station.congress,
            station=station,
            rule="weekday_of_month",
            week_of_month=1,
            weekday=1,
            start_time="09:00",
            end_time="11:30",
            starts_on=date(2026, 1, 1),
            topic="听取群众意见",
        )
        ScheduleDeputy.objects.create(
            congress=station.congress, schedule=schedule, deputy=my_deputy(world)
        )
    world.ids["schedule_id"] = [schedule.pk]


def _my_group_led_by_me(world: World) -> None:
    """The deputy leads the world's group, so they report its project's progress; the project
    was claimed in spring."""
    with scopes_disabled():  # test setup
        DeputyGroup.objects.filter(pk=world.ids["group_id"][0]).update(leader=my_deputy(world))
        GroupProject.objects.filter(pk=world.ids["project_id"][0]).update(
            claimed_on=date(2026, 3, 1)
        )


def _not_a_photo() -> dict:
    return {"photo_1": SimpleUploadedFile("现场照片.jpg", b"%PDF-1.4 not a photo", "image/jpeg")}


def _message_id(index: int):
    return lambda world: {"message_id": world.ids["message_id"][index]}


def _reception(world: World) -> dict:
    return {"reception_id": world.ids["reception_id"][0]}


def _project(world: World) -> dict:
    return {"project_id": world.ids["project_id"][0]}


def _station_token(world: World) -> dict:
    with scopes_disabled():  # test setup
        station = LiaisonStation.objects.get(pk=world.ids["station_id"][0])
    return {"station_token": station.public_token}


FORMS = [
    # --- The public pages -------------------------------------------------------------------
    FormCase(
        "public:deputy_message",
        None,
        {
            "topic": "urban",
            "text": "小区门口的路灯坏了两个月，晚上出行很不方便。",
            "voter_name": "李大爷",
            "voter_phone": "139123",
        },
        kept=("小区门口的路灯坏了两个月，晚上出行很不方便。", "李大爷", "139123"),
        ids=lambda world: {"deputy_token": my_deputy(world).public_token},
    ),
    FormCase(
        "public:station_message",
        None,
        {
            "topic": "education",
            "text": "镇中心小学门口早上接送孩子的车辆太多，希望增设护学岗。",
            "voter_name": "王阿姨",
            "voter_phone": "一三九一二三四五六七八",
            "consent": "on",
        },
        kept=(
            "镇中心小学门口早上接送孩子的车辆太多，希望增设护学岗。",
            "王阿姨",
            "一三九一二三四五六七八",
        ),
        ids=_station_token,
    ),
    FormCase(
        "public:deputy_track",
        None,
        {"code": "LD8K-2O1#"},
        kept=("LD8K-2O1#",),
        ids=lambda world: {"deputy_token": my_deputy(world).public_token},
    ),
    FormCase(
        "public:station_track",
        None,
        {"code": "留言编号"},
        kept=("留言编号",),
        ids=_station_token,
    ),
    FormCase(
        "public:track_message",
        None,
        {"satisfaction": "unsatisfied", "feedback": "路灯修好了但是又坏了，" * 50},
        kept=("路灯修好了但是又坏了，" * 50,),
        ids=lambda world: {"tracking_code": _message(world, 0).tracking_code},
        setup=_answered,
        context=("rating_form",),
    ),
    # --- Voter messages ---------------------------------------------------------------------
    FormCase(
        "messages:visit_create",
        Role.COMMITTEE_STAFF,
        {
            "station": "",
            "topic": "urban",
            "text": "选民反映东津大道路口红绿灯时间太短，老人过马路来不及。",
            "voter_name": "赵师傅",
            "voter_phone": "139一二三四五六七八",
            "consent_confirmed": "on",
        },
        kept=(
            "选民反映东津大道路口红绿灯时间太短，老人过马路来不及。",
            "赵师傅",
            "139一二三四五六七八",
        ),
    ),
    FormCase(
        "messages:forward",
        Role.COMMITTEE_STAFF,
        {"target": "unit", "unit": "", "note": "请区住建局核实路灯维修进度"},
        kept=("请区住建局核实路灯维修进度",),
        ids=_message_id(0),
        page="messages:detail",
        context=("forward_form",),
    ),
    FormCase(
        "messages:start",
        Role.DEPUTY,
        {"note": LONG_NOTE},
        kept=(LONG_NOTE,),
        ids=_message_id(1),
        page="messages:detail",
        context=("start_form",),
    ),
    FormCase(
        "messages:answer",
        Role.DEPUTY,
        {"answer": LONG_ANSWER},
        kept=(LONG_ANSWER,),
        ids=_message_id(0),
        page="messages:detail",
        context=("answer_form",),
    ),
    FormCase(
        "messages:close",
        Role.COMMITTEE_STAFF,
        {"note": LONG_NOTE},
        kept=(LONG_NOTE,),
        ids=_message_id(0),
        page="messages:detail",
        context=("close_form",),
        setup=_answered,
    ),
    FormCase(
        "messages:erase",
        Role.COMMITTEE_STAFF,
        {"reason": LONG_REASON, "same_voter": "on"},
        kept=(LONG_REASON,),
        ids=_message_id(0),
    ),
    # --- Reception days ---------------------------------------------------------------------
    FormCase(
        "receptions:create",
        Role.COMMITTEE_STAFF,
        {
            "date": "2026-06-31",
            "start_time": "9点",
            "end_time": "11:30",
            "topic": "听取老旧小区改造意见",
        },
        kept=("2026-06-31", "9点", "听取老旧小区改造意见"),
        query="?station={station}",
    ),
    FormCase(
        "receptions:update",
        "station_staff",
        {
            "date": "2026-02-30",
            "start_time": "14:00",
            "end_time": "16:30",
            "topic": "听取农村人居环境整治意见",
        },
        kept=("2026-02-30", "听取农村人居环境整治意见"),
        ids=_reception,
    ),
    FormCase(
        "receptions:cancel",
        "station_staff",
        {"reason": LONG_CANCEL},
        kept=(LONG_CANCEL,),
        ids=_reception,
        page="receptions:detail",
        context=("cancel_form",),
    ),
    FormCase(
        "receptions:attendance",
        "station_staff",
        {"visitor_count": "十二", "summary": "群众主要反映农村公路破损和自来水水压不足。"},
        kept=("十二", "群众主要反映农村公路破损和自来水水压不足。"),
        ids=_reception,
    ),
    FormCase(
        "receptions:schedule_create",
        Role.COMMITTEE_STAFF,
        {
            "rule": "weekday_of_month",
            "week_of_month": "1",
            "weekday": "1",
            "start_time": "09:00",
            "end_time": "08:30",
            "starts_on": "2026-13-01",
            "topic": "每月第一个周二集中接待",
        },
        kept=("08:30", "2026-13-01", "每月第一个周二集中接待"),
        query="?station={station}",
    ),
    FormCase(
        "receptions:schedule_update",
        "station_staff",
        {
            "rule": "day_of_month",
            "day_of_month": "",
            "start_time": "09:00",
            "end_time": "11:30",
            "starts_on": "2026-01-01",
            "ends_on": "2026年12月31日",
            "topic": "每月固定日期接待选民",
            "is_active": "on",
        },
        kept=("2026年12月31日", "每月固定日期接待选民"),
        ids=lambda world: {"schedule_id": world.ids["schedule_id"][0]},
        setup=_schedule,
    ),
    # --- Group projects ---------------------------------------------------------------------
    FormCase(
        "projects:create",
        Role.COMMITTEE_STAFF,
        {
            "year": "二〇二六",
            "title": "东津镇农村饮水安全提升工程",
            "goal": "为三个村铺设自来水管网",
            "budget": "五十万",
            "partners": "区水务局",
            "claimed_on": "2026-04-01",
        },
        kept=("二〇二六", "东津镇农村饮水安全提升工程", "为三个村铺设自来水管网", "五十万"),
    ),
    FormCase(
        "projects:update",
        Role.COMMITTEE_STAFF,
        {
            "year": "2026",
            "title": "老旧小区雨污分流改造",
            "goal": "完成小区雨污分流和路面硬化",
            "budget": "12.5",
            "partners": "区住建局、社区居委会",
            "claimed_on": "2026-02-30",
        },
        kept=("老旧小区雨污分流改造", "区住建局、社区居委会", "2026-02-30"),
        ids=_project,
    ),
    FormCase(
        "projects:progress",
        Role.DEPUTY,
        {"date": "2026-04-15", "text": "完成雨水管道铺设约三百米，路面恢复正在进行。"},
        kept=("完成雨水管道铺设约三百米，路面恢复正在进行。", "2026-04-15"),
        ids=_project,
        files=_not_a_photo,
        setup=_my_group_led_by_me,
    ),
    FormCase(
        "projects:close",
        Role.COMMITTEE_STAFF,
        {"outcome": "雨污分流改造全部完成，惠及居民三百余户。", "closed_on": "2026-02-30"},
        kept=("雨污分流改造全部完成，惠及居民三百余户。", "2026-02-30"),
        ids=_project,
    ),
    FormCase(
        "projects:drop",
        Role.COMMITTEE_STAFF,
        {"reason": "项目已纳入区政府年度计划统一实施。", "closed_on": "2026年5月1日"},
        kept=("项目已纳入区政府年度计划统一实施。", "2026年5月1日"),
        ids=_project,
    ),
]

# Pages that take a POST with nothing typed into them, and why.
BUTTONS: dict[str, str] = {}
