"""Demo reception days and group projects: monthly schedules at each deputy home with six months
of held days, and group projects for this year and last (Xiangcheng: 47 lists, 43 done)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from congress.models import Congress, User
from deputies.models import Deputy, DeputyStatus
from liaison import project_services, reception_services
from liaison.models import (
    Attendance,
    DeputyGroup,
    GroupKind,
    GroupProject,
    LiaisonStation,
    ReceptionDay,
    ReceptionDuty,
    ReceptionSchedule,
    ReceptionStatus,
    RepeatRule,
    StationDeputy,
    StationKind,
)

HISTORY_MONTHS = 6
# (rule, week of month, weekday, day of month): the 15th is the homes' usual day (see their
# descriptions); a few keep a weekday instead.
RULES = [
    (RepeatRule.DAY_OF_MONTH, None, None, 15),
    (RepeatRule.WEEKDAY_OF_MONTH, 1, 1, None),  # the first Tuesday
    (RepeatRule.DAY_OF_MONTH, None, None, 15),
    (RepeatRule.WEEKDAY_OF_MONTH, -1, 4, None),  # the last Friday
    (RepeatRule.DAY_OF_MONTH, None, None, 10),
    (RepeatRule.WEEKDAY_OF_MONTH, 2, 2, None),  # the second Wednesday
]
TOPICS = [
    "听取群众对老旧小区改造的意见建议",
    "收集群众关于就医、就学的困难和诉求",
    "了解农村人居环境整治情况",
    "征求对区政府民生实事项目的意见",
    "倾听企业发展和营商环境方面的意见",
    "",
]
SUMMARIES = [
    "接待选民{n}人次，收集意见建议{k}条，其中{m}条当场答复，其余已登记转交相关部门办理。",
    "共接待群众{n}人，主要反映小区停车难、路灯损坏、下水道堵塞等问题，已记录并跟踪办理。",
    "接待来访群众{n}人，涉及医保报销、子女入学、农村低保等事项{k}件，当场解答{m}件。",
    "围绕主题听取群众意见{n}人次，形成意见建议{k}条，将整理后报区人大常委会。",
]
ABSENCE_NOTES = "因参加区人大常委会会议请假。"

PROJECT_TITLES_REGIONAL = [
    "{area}老旧小区路灯改造",
    "为{area}独居老人安装烟感报警器",
    "{area}背街小巷道路硬化",
    "{area}社区卫生服务站适老化改造",
    "{area}留守儿童课后托管服务",
    "{area}垃圾分类示范点建设",
    "{area}农田水利沟渠清淤",
    "{area}学校周边交通安全设施完善",
    "{area}便民菜市场规范提升",
    "{area}文化广场健身器材更新",
    "{area}农村饮水安全提升",
    "{area}小区加装电梯协调推进",
]
PROJECT_TITLES_PROFESSIONAL = [
    "{area}领域惠企政策宣讲进企业",
    "{area}专题调研成果转化",
    "{area}技能人才培训",
    "{area}助企纾困对接会",
    "{area}重点问题跟踪监督",
]
GOALS = [
    "完成改造并经群众验收，解决群众反映集中的出行和安全问题。",
    "年内完成建设任务，惠及群众不少于500户。",
    "形成长效管理机制，群众满意度达到90%以上。",
    "推动相关部门列入年度计划，按期完成并公示结果。",
]
PARTNERS = [
    "区住建局、{area}办事处",
    "区民政局、区消防救援大队",
    "区城管局、社区居委会",
    "区卫健局、区教育局",
    "区农业农村局、村委会",
    "辖区企业、志愿服务队",
]
PROGRESS_TEXTS = [
    "小组召开专题会议，走访群众{n}户，梳理需求清单。",
    "与{partner}对接，明确实施方案和完成时限。",
    "项目开工建设，代表现场查看施工进度和质量。",
    "完成阶段性任务，组织群众代表参与验收。",
    "针对群众反映的问题督促整改，整改已完成。",
]
OUTCOMES = [
    "项目全部完成，惠及群众{n}户，群众满意度调查满意率{p}%。",
    "按期完成建设任务，相关经验被{area}推广。",
    "完成既定目标，形成长效管护机制，群众评价良好。",
]
DROP_REASONS = [
    "因规划调整，项目由区政府统一实施，小组转为监督。",
    "资金未能落实，经小组会议研究决定调整为下一年度项目。",
]


@dataclass(frozen=True)
class WorkPlan:
    staff_username: str
    sign_in_phone: str
    last_year_projects: int  # Xiangcheng's report: 47 lists, 43 done
    last_year_done: int
    unclaimed_this_year: int  # groups left without a project this year, for the staff view


PLANS = {
    "xiangcheng": WorkPlan("xc-staff", "13971000001", 47, 43, 3),
    "shiguai": WorkPlan("sg-staff", "15847000001", 10, 9, 1),
}


def _rng(seed: str) -> random.Random:
    # Demo data must come out the same on every run; nothing here is secret.
    return random.Random(seed)


@transaction.atomic
def seed() -> None:
    """Create or complete the demo's reception days and projects; running it again the same day
    changes nothing."""
    today = timezone.localdate()
    for slug, plan in PLANS.items():
        congress = Congress.objects.filter(slug=slug).first()
        if congress is None:
            continue
        actor = User.objects.filter(username=plan.staff_username).first()
        with scope(congress=congress):
            _seed_receptions(congress, plan, actor, today)
            _seed_projects(congress, plan, actor, today)


# Reception days ----------------------------------------------------------------------------


def _months_back(today: date, months: int) -> date:
    month = today.month - months
    year = today.year
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


def _seed_receptions(congress: Congress, plan: WorkPlan, actor: User | None, today: date) -> None:
    homes = list(
        LiaisonStation.objects.filter(kind=StationKind.DEPUTY_HOME, is_active=True).order_by(
            "name", "pk"
        )
    )
    sign_in = Deputy.objects.filter(user__username=plan.sign_in_phone).first()
    first = _months_back(today, HISTORY_MONTHS)
    for number, station in enumerate(homes):
        rng = _rng(f"reception-{congress.slug}-{station.name}")
        schedule = ReceptionSchedule.objects.filter(station=station).order_by("pk").first()
        if schedule is None:
            schedule = _new_schedule(congress, station, number, rng, sign_in, actor, first)
            if schedule is None:
                continue
        # From six months back: the days already there are left alone.
        reception_services.reception_schedule_generate(schedule=schedule, actor=actor, start=first)
        _hold_past_days(schedule, actor, today)
    if (
        sign_in is not None
        and not ReceptionDuty.objects.filter(
            deputy=sign_in,
            reception_day__date__gte=today,
            reception_day__status=ReceptionStatus.PLANNED,
        ).exists()
    ):
        _day_for_the_sign_in_deputy(congress, sign_in, actor, today)


def _new_schedule(congress, station, number, rng, sign_in, actor, first):
    pool = list(
        Deputy.objects.filter(
            status=DeputyStatus.SERVING,
            pk__in=StationDeputy.objects.filter(station=station).values("deputy_id"),
        ).order_by("name_pinyin", "pk")
    )
    if not pool:
        return None
    chosen = rng.sample(pool, min(len(pool), rng.randint(3, 5)))
    if sign_in is not None and sign_in in pool and sign_in not in chosen:
        chosen[0] = sign_in
    rule, week, weekday, day_of_month = RULES[number % len(RULES)]
    # Created with the service (it plans the coming 90 days); the caller adds the past months.
    return reception_services.reception_schedule_create(
        actor=actor,
        congress=congress,
        station=station,
        deputies=chosen,
        rule=rule,
        week_of_month=week,
        weekday=weekday,
        day_of_month=day_of_month,
        start_time=time(9, 0),
        end_time=time(11, 30),
        starts_on=first,
        topic="代表集中接待选民",
    )


def _hold_past_days(schedule: ReceptionSchedule, actor: User | None, today: date) -> None:
    """Record attendance, visitors and a summary for the schedule's past days still planned."""
    past = ReceptionDay.objects.filter(
        schedule=schedule, date__lt=today, status=ReceptionStatus.PLANNED
    ).order_by("date")
    for day in past:
        rng = _rng(f"held-{schedule.station.name}-{day.date.isoformat()}")
        if rng.random() < 0.06:
            reception_services.reception_day_cancel(
                actor=actor, day=day, reason="因防汛值守任务，本次接待日取消，顺延至下月。"
            )
            continue
        duties = list(ReceptionDuty.objects.filter(reception_day=day).order_by("deputy_id"))
        attendance = {}
        for duty in duties:
            roll = rng.random()
            attendance[duty.deputy_id] = (
                Attendance.ATTENDED
                if roll < 0.82
                else Attendance.EXCUSED
                if roll < 0.93
                else Attendance.ABSENT
            )
        visitors = rng.randint(3, 25)
        summary = rng.choice(SUMMARIES).format(
            n=visitors, k=max(1, visitors // 3), m=max(1, visitors // 5)
        )
        if Attendance.EXCUSED in attendance.values():
            summary += ABSENCE_NOTES
        reception_services.reception_day_record(
            actor=actor, day=day, attendance=attendance, visitor_count=visitors, summary=summary
        )
        # Recorded when the day ended, as a station would have done, not when the demo ran.
        recorded_at = timezone.make_aware(datetime.combine(day.date, day.end_time))
        ReceptionDuty.objects.filter(reception_day=day).update(recorded_at=recorded_at)


def _day_for_the_sign_in_deputy(congress, deputy, actor, today) -> None:
    """A coming day for the demo deputy, so their phone shows one."""
    link = (
        StationDeputy.objects.filter(deputy=deputy, station__is_active=True)
        .select_related("station")
        .order_by("station__kind", "station__name")
        .first()
    )
    station = link.station if link else LiaisonStation.objects.filter(is_active=True).first()
    if station is None:
        return
    day = today + timedelta(days=7)
    if ReceptionDay.objects.filter(station=station, date=day).exists():
        return
    reception_services.reception_day_create(
        actor=actor,
        congress=congress,
        station=station,
        date=day,
        start_time=time(14, 30),
        end_time=time(17, 0),
        topic="听取群众对社区养老服务的意见",
        deputies=[deputy],
    )


# Group projects ----------------------------------------------------------------------------


def _titles(group: DeputyGroup) -> list[str]:
    pool = (
        PROJECT_TITLES_REGIONAL if group.kind == GroupKind.REGIONAL else PROJECT_TITLES_PROFESSIONAL
    )
    area = group.area or group.name.removesuffix("代表小组")
    return [title.format(area=area) for title in pool]


def _seed_projects(congress: Congress, plan: WorkPlan, actor: User | None, today: date) -> None:
    groups = list(DeputyGroup.objects.order_by("name", "pk"))
    if not groups:
        return
    rng = _rng(f"projects-{congress.slug}")
    last_year = today.year - 1
    # Last year: the report's number of lists spread over the groups, nearly all done.
    per_group = [plan.last_year_projects // len(groups)] * len(groups)
    for index in range(plan.last_year_projects % len(groups)):
        per_group[index] += 1
    not_done = set(
        rng.sample(range(plan.last_year_projects), plan.last_year_projects - plan.last_year_done)
    )
    counter = 0
    for group, count in zip(groups, per_group, strict=True):
        titles = rng.sample(_titles(group), min(count, len(_titles(group))))
        for title in titles:
            outcome = "carried" if counter in not_done else "done"
            if counter in not_done and counter % 2:
                outcome = "dropped"
            _project(congress, group, last_year, title, outcome, actor, today, rng)
            counter += 1
    # This year: most groups claim one to three; a few have not yet.
    unclaimed = set(rng.sample(range(len(groups)), min(plan.unclaimed_this_year, len(groups))))
    for index, group in enumerate(groups):
        count = rng.randint(1, 3)
        titles = rng.sample(_titles(group), min(count, len(_titles(group))))
        if index in unclaimed:
            continue
        for title in titles:
            roll = rng.random()
            outcome = "done" if roll < 0.4 else "under_way" if roll < 0.85 else "claimed"
            _project(congress, group, today.year, title, outcome, actor, today, rng)


def _project(congress, group, year, title, outcome, actor, today, rng) -> None:
    """One project with its progress; an existing one (same group, year, title) is left alone.

    Every random draw happens before the existence check, so the draws stay the same on every
    run whichever projects already exist.
    """
    area = group.area or group.name
    last_day = min(date(year, 12, 31), today)
    claimed_on = min(date(year, 1, 1) + timedelta(days=rng.randint(20, 100)), last_day)
    goal = rng.choice(GOALS)
    partners = rng.choice(PARTNERS).format(area=area)
    budget = Decimal(rng.randint(5, 80)) + Decimal(rng.choice([0, 50])) / 100
    steps = rng.randint(1, 4)
    progress_days = sorted(rng.randint(0, 250) for _step in range(steps))
    texts = [
        rng.choice(PROGRESS_TEXTS).format(n=rng.randint(20, 200), partner=partners)
        for _step in range(steps)
    ]
    close_after = rng.randint(10, 60)
    closing = rng.choice(OUTCOMES).format(
        n=rng.randint(100, 2000), p=rng.randint(92, 100), area=area
    )
    reason = rng.choice(DROP_REASONS)
    if GroupProject.objects.filter(group=group, year=year, title=title).exists():
        return
    project = project_services.project_create(
        actor=actor,
        congress=congress,
        group=group,
        year=year,
        title=title,
        goal=goal,
        budget=budget,
        partners=partners,
        claimed_on=claimed_on,
    )
    if outcome == "claimed":
        return
    dates = [min(claimed_on + timedelta(days=offset), last_day) for offset in progress_days]
    for day, text in zip(dates, texts, strict=True):
        project_services.project_progress_add(actor=actor, project=project, date=day, text=text)
    closed_on = min(dates[-1] + timedelta(days=close_after), last_day)
    if outcome == "done":
        project_services.project_close(
            actor=actor, project=project, outcome=closing, closed_on=closed_on
        )
    elif outcome == "dropped":
        project_services.project_drop(
            actor=actor, project=project, reason=reason, closed_on=closed_on
        )
