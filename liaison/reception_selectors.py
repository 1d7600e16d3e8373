"""Reads for reception days and their schedules, built on the shared visibility selectors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress import calendar as working_calendar
from congress.models import Membership, Role, User
from deputies.models import Deputy, DeputyStatus
from liaison.models import (
    Attendance,
    LiaisonStation,
    ReceptionDay,
    ReceptionDuty,
    ReceptionSchedule,
    ReceptionStatus,
    RepeatRule,
    ScheduleDeputy,
    StationDeputy,
)
from liaison.selectors import (
    deputy_ids_for_user,
    message_visible,
    reception_visible,
    station_ids_for_staff,
    station_visible,
)

# A deputy's phone shows the coming two months; staff plan a quarter ahead.
DEPUTY_UPCOMING_DAYS = 60
DEPUTY_PAST_LIMIT = 24


def days_off(dates: Iterable[date]) -> set[date]:
    """The dates among `dates` that are not working days (holidays, weekends, local days off).

    One query for the congress's overrides, whatever the number of dates.
    """
    return working_calendar.days_off(dates)


def duties_prefetch() -> Prefetch:
    return Prefetch(
        "duties",
        queryset=ReceptionDuty.objects.select_related("deputy").order_by(
            "deputy__name_pinyin", "deputy__pk"
        ),
    )


def reception_day_list(
    *,
    membership: Membership,
    station_id: int | None = None,
    month: date | None = None,
    status: str = "",
    today: date | None = None,
) -> QuerySet[ReceptionDay]:
    """Reception days the member may read: coming days first (soonest first), then past days
    (latest first). The deputies on duty come prefetched: two queries whatever the length."""
    today = today or timezone.localdate()
    queryset = reception_visible(membership=membership)
    if station_id:
        queryset = queryset.filter(station_id=station_id)
    if month is not None:
        queryset = queryset.filter(date__year=month.year, date__month=month.month)
    if status:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("station", "schedule")
        .prefetch_related(duties_prefetch())
        .annotate(
            is_past=Case(
                When(date__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            coming_date=Case(When(date__gte=today, then=F("date")), output_field=DateField()),
            past_date=Case(When(date__lt=today, then=F("date")), output_field=DateField()),
            attended_count=Count("duties", filter=Q(duties__attendance=Attendance.ATTENDED)),
        )
        .order_by("is_past", "coming_date", "-past_date", "start_time", "pk")
    )


def mark_days_off(days: Iterable[ReceptionDay]) -> list[ReceptionDay]:
    """Set `is_day_off` on each day (one query for the lot), for the 节假日 mark on the pages."""
    days = list(days)
    off = days_off(day.date for day in days)
    for day in days:
        day.is_day_off = day.date in off
    return days


def station_filter_choices(*, membership: Membership) -> list[tuple[int, str]]:
    return list(station_visible(membership=membership).order_by("name").values_list("pk", "name"))


def plannable_stations(*, membership: Membership) -> QuerySet[LiaisonStation]:
    """Open stations where the member may plan reception days (station staff: their own)."""
    queryset = LiaisonStation.objects.filter(is_active=True)
    if membership.role == Role.STATION_STAFF:
        queryset = queryset.filter(pk__in=station_ids_for_staff(user=membership.user))
    elif membership.role not in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF):
        queryset = queryset.none()
    return queryset.order_by("name", "pk")


def station_deputy_choices(*, station: LiaisonStation) -> QuerySet[Deputy]:
    """Serving deputies who receive voters at the station, in pinyin order."""
    return Deputy.objects.filter(
        status=DeputyStatus.SERVING,
        pk__in=StationDeputy.objects.filter(station=station).values("deputy_id"),
    ).order_by("name_pinyin", "pk")


def other_deputy_choices(*, station: LiaisonStation) -> QuerySet[Deputy]:
    """Every other serving deputy, for a day when someone from elsewhere receives here."""
    return (
        Deputy.objects.filter(status=DeputyStatus.SERVING)
        .exclude(pk__in=StationDeputy.objects.filter(station=station).values("deputy_id"))
        .order_by("name_pinyin", "pk")
    )


@dataclass(frozen=True)
class AttendanceChange:
    when: object
    user_name: str
    deputy_name: str
    attendance: str


def reception_day_detail(*, day: ReceptionDay, membership: Membership) -> dict:
    """Everything a day's page shows, in a fixed number of queries."""
    duties = list(
        ReceptionDuty.objects.filter(reception_day=day)
        .select_related("deputy", "recorded_by")
        .order_by("deputy__name_pinyin", "deputy__pk")
    )
    names = {duty.pk: duty.deputy.name for duty in duties}
    labels = dict(Attendance.choices)
    changes = [
        AttendanceChange(
            when=record.history_date,
            user_name=str(record.history_user) if record.history_user else "",
            deputy_name=names.get(record.id, record.history_object_repr),
            attendance=str(labels.get(record.attendance, record.attendance)),
        )
        for record in ReceptionDuty.history.filter(
            reception_day_id=day.pk, history_type="~", history_changes__has_key="attendance"
        )
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    ]
    visits = list(
        message_visible(membership=membership)
        .filter(station_id=day.station_id, created_at__date=day.date)
        .select_related("deputy")
        .order_by("created_at", "pk")
    )
    return {
        "duties": duties,
        "attendance_changes": changes,
        "visits": visits,
        "is_day_off": day.date in days_off([day.date]),
    }


@dataclass(frozen=True)
class DeputyDay:
    day: ReceptionDay
    attendance: str
    attendance_display: str
    colleagues: list[str]
    is_day_off: bool


def _deputy_days(queryset: QuerySet[ReceptionDay], mine: set[int]) -> list[DeputyDay]:
    labels = dict(Attendance.choices)
    rows = []
    for day in queryset:
        duties = list(day.duties.all())
        own = next((duty for duty in duties if duty.deputy_id in mine), None)
        attendance = own.attendance if own else ""
        rows.append(
            DeputyDay(
                day=day,
                attendance=attendance,
                attendance_display=str(labels.get(attendance, "")),
                colleagues=[duty.deputy.name for duty in duties if duty.deputy_id not in mine],
                is_day_off=False,
            )
        )
    return rows


def deputy_reception_days(*, membership: Membership, today: date | None = None) -> dict:
    """A deputy's coming reception days (the next 60 days) and their latest past ones."""
    today = today or timezone.localdate()
    mine = deputy_ids_for_user(user=membership.user)
    visible = (
        reception_visible(membership=membership)
        .select_related("station")
        .prefetch_related(duties_prefetch())
    )
    upcoming = _deputy_days(
        visible.filter(
            date__gte=today, date__lte=today + timedelta(days=DEPUTY_UPCOMING_DAYS)
        ).order_by("date", "start_time", "pk"),
        mine,
    )
    past = _deputy_days(
        visible.filter(date__lt=today).order_by("-date", "-start_time", "-pk")[:DEPUTY_PAST_LIMIT],
        mine,
    )
    off = days_off(row.day.date for row in upcoming)
    upcoming = [
        DeputyDay(
            day=row.day,
            attendance=row.attendance,
            attendance_display=row.attendance_display,
            colleagues=row.colleagues,
            is_day_off=row.day.date in off,
        )
        for row in upcoming
    ]
    return {"upcoming": upcoming, "past": past, "has_deputy": bool(mine)}


def next_reception_for_deputy_user(
    user: User, *, today: date | None = None, deputy_ids: Iterable[int] | None = None
) -> ReceptionDay | None:
    """The deputy's next planned reception day (today or later), with its station; or None.

    For the box on a deputy's home page: one query, within the active congress scope (two
    unless the caller, which has read the user's roster entry already, gives `deputy_ids`).
    """
    today = today or timezone.localdate()
    mine = set(deputy_ids) if deputy_ids is not None else deputy_ids_for_user(user=user)
    if not mine:
        return None
    return (
        ReceptionDay.objects.filter(
            status=ReceptionStatus.PLANNED,
            date__gte=today,
            duties__deputy_id__in=mine,
        )
        .select_related("station")
        .order_by("date", "start_time", "pk")
        .first()
    )


# Schedules -----------------------------------------------------------------------------------


def schedule_visible(*, membership: Membership) -> QuerySet[ReceptionSchedule]:
    """Schedules a planner may read: committee staff all, station staff their stations'."""
    schedules = ReceptionSchedule.objects.all()
    if membership.role in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF):
        return schedules
    if membership.role == Role.STATION_STAFF:
        return schedules.filter(station_id__in=station_ids_for_staff(user=membership.user))
    return schedules.none()


def schedule_list(
    *, membership: Membership, station_id: int | None = None, today: date | None = None
) -> QuerySet[ReceptionSchedule]:
    """Schedules with their station, deputies and next generated day: two queries."""
    today = today or timezone.localdate()
    queryset = schedule_visible(membership=membership)
    if station_id:
        queryset = queryset.filter(station_id=station_id)
    next_day = (
        ReceptionDay.objects.filter(
            schedule=OuterRef("pk"), date__gte=today, status=ReceptionStatus.PLANNED
        )
        .order_by("date")
        .values("date")[:1]
    )
    return (
        queryset.select_related("station")
        .prefetch_related(
            Prefetch(
                "deputy_links",
                queryset=ScheduleDeputy.objects.select_related("deputy").order_by(
                    "deputy__name_pinyin", "deputy__pk"
                ),
            )
        )
        .annotate(next_date=Subquery(next_day, output_field=DateField()))
        .order_by("-is_active", "station__name", "starts_on", "pk")
    )


def schedule_deputies(*, schedule: ReceptionSchedule) -> list[Deputy]:
    return [
        link.deputy
        for link in ScheduleDeputy.objects.filter(schedule=schedule)
        .select_related("deputy")
        .order_by("deputy__name_pinyin", "deputy__pk")
    ]


def schedule_coming_days(
    *, schedule: ReceptionSchedule, today: date | None = None
) -> list[ReceptionDay]:
    today = today or timezone.localdate()
    days = (
        ReceptionDay.objects.filter(schedule=schedule, date__gte=today)
        .select_related("station")
        .prefetch_related(duties_prefetch())
        .order_by("date", "start_time", "pk")
    )
    return mark_days_off(days)


# Spelt out: "first" and "last" alone are common words with other meanings elsewhere.
WEEK_WORDS = {
    1: gettext_lazy("the first (week of the month)"),
    2: gettext_lazy("the second (week of the month)"),
    3: gettext_lazy("the third (week of the month)"),
    4: gettext_lazy("the fourth (week of the month)"),
    -1: gettext_lazy("the last (week of the month)"),
}


def describe_schedule(schedule: ReceptionSchedule) -> str:
    """The rule in words: 每月第一个星期二, 每月15日."""
    if schedule.rule == RepeatRule.DAY_OF_MONTH:
        return _("the %(day)s of each month") % {"day": schedule.day_of_month}
    return _("every %(week)s %(weekday)s of the month") % {
        "week": WEEK_WORDS.get(schedule.week_of_month, ""),
        "weekday": WEEKDAYS.get(schedule.weekday, ""),
    }
