"""Writes for reception days: planning, repeating schedules, moving, cancelling, attendance."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.errors import DomainError
from congress.history import history_bulk_record
from congress.models import Congress, User
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
)
from scoring.automatic import duty_records_for_reception

# Generated days reach this far ahead; the daily job keeps the window moving.
HORIZON_DAYS = 90
RECORDED_ATTENDANCE = (Attendance.ATTENDED, Attendance.ABSENT, Attendance.EXCUSED)
WEEKS_OF_MONTH = (1, 2, 3, 4, -1)
MAX_VISITORS = 10_000
SCHEDULE_FIELDS = (
    "rule",
    "week_of_month",
    "weekday",
    "day_of_month",
    "start_time",
    "end_time",
    "starts_on",
    "ends_on",
    "topic",
    "is_active",
)
# Changing any of these re-plans the schedule's coming days.
TIMING_FIELDS = (
    "rule",
    "week_of_month",
    "weekday",
    "day_of_month",
    "start_time",
    "end_time",
    "starts_on",
    "ends_on",
)


# Dates of a repeating schedule -------------------------------------------------------------


def occurrence_in_month(
    *,
    rule: str,
    year: int,
    month: int,
    week_of_month: int | None = None,
    weekday: int | None = None,
    day_of_month: int | None = None,
) -> date:
    """The schedule's date in one month.

    "The 31st" in a 30-day month (or February) is the month's last day; "the last Friday" is
    counted back from the month's end; weeks 1–4 always exist.
    """
    last = monthrange(year, month)[1]
    if rule == RepeatRule.DAY_OF_MONTH:
        return date(year, month, min(day_of_month, last))
    if week_of_month == -1:
        end = date(year, month, last)
        return end - timedelta(days=(end.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (week_of_month - 1))


def occurrences(schedule: ReceptionSchedule, start: date, end: date) -> list[date]:
    """The schedule's dates from `start` to `end` (both included), in order."""
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        day = occurrence_in_month(
            rule=schedule.rule,
            year=year,
            month=month,
            week_of_month=schedule.week_of_month,
            weekday=schedule.weekday,
            day_of_month=schedule.day_of_month,
        )
        if start <= day <= end:
            found.append(day)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return found


def _dates_taken(schedule: ReceptionSchedule) -> set[date]:
    """Dates the schedule has a day for, counting the date a moved day was generated on.

    The history of the schedule's existing days keeps their first date, so a day moved from the
    5th to the 7th is not generated again on the 5th. Days deleted because the schedule was
    re-planned have no existing row, so their dates are free again.
    """
    existing = ReceptionDay.objects.filter(schedule=schedule)
    taken = set(existing.values_list("date", flat=True))
    taken |= set(
        ReceptionDay.history.filter(
            schedule_id=schedule.pk, id__in=existing.values("pk")
        ).values_list("date", flat=True)
    )
    return taken


@transaction.atomic
def reception_schedule_generate(
    *,
    schedule: ReceptionSchedule,
    actor: User | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[ReceptionDay]:
    """Create the schedule's reception days (and duties) from `start` (today) to `end` (90 days
    ahead) that do not exist yet. Running it again creates nothing.

    A date that is not a working day is still created: the page marks it for staff to move or
    cancel, since shifting it silently would surprise the deputies and voters who know the rule.
    """
    today = timezone.localdate()
    start = max(start or today, schedule.starts_on)
    end = end or today + timedelta(days=HORIZON_DAYS)
    if schedule.ends_on is not None:
        end = min(end, schedule.ends_on)
    if not schedule.is_active or start > end:
        return []
    # Serialises generation for one schedule (the daily job and an edit may meet).
    ReceptionSchedule.objects.select_for_update().filter(pk=schedule.pk).first()
    taken = _dates_taken(schedule)
    new_dates = [day for day in occurrences(schedule, start, end) if day not in taken]
    if not new_dates:
        return []
    days = ReceptionDay.objects.bulk_create(
        [
            ReceptionDay(
                congress_id=schedule.congress_id,
                station_id=schedule.station_id,
                schedule=schedule,
                date=day,
                start_time=schedule.start_time,
                end_time=schedule.end_time,
                topic=schedule.topic,
            )
            for day in new_dates
        ]
    )
    history_bulk_record(days, user=actor, history_type="+")
    deputy_ids = list(
        ScheduleDeputy.objects.filter(schedule=schedule).values_list("deputy_id", flat=True)
    )
    duties = ReceptionDuty.objects.bulk_create(
        [
            ReceptionDuty(congress_id=schedule.congress_id, reception_day=day, deputy_id=deputy_id)
            for day in days
            for deputy_id in deputy_ids
        ]
    )
    history_bulk_record(duties, user=actor, history_type="+")
    return days


def reception_schedules_extend(*, actor: User | None = None) -> dict[str, int]:
    """For the daily job: every active schedule's days, 90 days ahead."""
    today = timezone.localdate()
    schedules = ReceptionSchedule.objects.filter(is_active=True).exclude(ends_on__lt=today)
    created = 0
    count = 0
    for schedule in schedules.order_by("pk"):
        created += len(reception_schedule_generate(schedule=schedule, actor=actor))
        count += 1
    return {"schedules": count, "days_created": created}


# Checks shared by days and schedules -------------------------------------------------------


def _check_station(station: LiaisonStation) -> None:
    if not station.is_active:
        raise DomainError(_("This station is closed: reopen it first."), field="station")


def _check_deputies(deputies: Iterable[Deputy]) -> list[Deputy]:
    deputies = list(dict.fromkeys(deputies))
    if not deputies:
        raise DomainError(_("Choose at least one deputy on duty."), field="deputies")
    retired = [deputy.name for deputy in deputies if deputy.status != DeputyStatus.SERVING]
    if retired:
        raise DomainError(
            _("Only serving deputies can be on duty: %(names)s") % {"names": "、".join(retired)},
            field="deputies",
        )
    return deputies


def _check_times(start_time: time, end_time: time) -> None:
    if end_time <= start_time:
        raise DomainError(_("The end time must be after the start time."), field="end_time")


def _check_no_overlap(
    *, station: LiaisonStation, day: date, start_time: time, end_time: time, exclude_pk=None
) -> None:
    clash = (
        ReceptionDay.objects.filter(
            station=station, date=day, start_time__lt=end_time, end_time__gt=start_time
        )
        .exclude(status=ReceptionStatus.CANCELLED)
        .exclude(pk=exclude_pk)
        .exists()
    )
    if clash:
        raise DomainError(
            _("There is already a reception day at this station at that time."), field="date"
        )


def _sync_duties(*, actor: User, day: ReceptionDay, deputies: list[Deputy]) -> None:
    """Make the day's duties match `deputies` (for a day not yet held)."""
    current = {duty.deputy_id: duty for duty in ReceptionDuty.objects.filter(reception_day=day)}
    wanted = {deputy.pk for deputy in deputies}
    for deputy_id, duty in current.items():
        if deputy_id not in wanted:
            duty._history_user = actor
            duty.delete()
    for deputy in deputies:
        if deputy.pk not in current:
            duty = ReceptionDuty(congress_id=day.congress_id, reception_day=day, deputy=deputy)
            duty._history_user = actor
            duty.save()


# Reception days ----------------------------------------------------------------------------


@transaction.atomic
def reception_day_create(
    *,
    actor: User,
    congress: Congress,
    station: LiaisonStation,
    date: date,
    start_time: time,
    end_time: time,
    deputies: Iterable[Deputy],
    topic: str = "",
) -> ReceptionDay:
    """Plan a single reception day at a station with the deputies on duty."""
    _check_station(station)
    deputies = _check_deputies(deputies)
    _check_times(start_time, end_time)
    _check_no_overlap(station=station, day=date, start_time=start_time, end_time=end_time)
    day = ReceptionDay(
        congress=congress,
        station=station,
        date=date,
        start_time=start_time,
        end_time=end_time,
        topic=topic.strip(),
    )
    day._history_user = actor
    day.save()
    _sync_duties(actor=actor, day=day, deputies=deputies)
    return day


@transaction.atomic
def _lock_day(day: ReceptionDay) -> None:
    """Re-read the day's status under a row lock, so that a day cancelled meanwhile is seen."""
    day.status = (
        ReceptionDay.objects.select_for_update().values_list("status", flat=True).get(pk=day.pk)
    )


@transaction.atomic
def reception_day_update(
    *,
    actor: User,
    day: ReceptionDay,
    date: date,
    start_time: time,
    end_time: time,
    deputies: Iterable[Deputy],
    topic: str = "",
) -> ReceptionDay:
    """Move a planned day (date, time), change its topic or the deputies on duty."""
    _lock_day(day)
    if day.status != ReceptionStatus.PLANNED:
        raise DomainError(_("Only a planned reception day can be changed."))
    deputies = _check_deputies(deputies)
    _check_times(start_time, end_time)
    _check_no_overlap(
        station=day.station, day=date, start_time=start_time, end_time=end_time, exclude_pk=day.pk
    )
    if (
        day.schedule_id
        and date != day.date
        and ReceptionDay.objects.filter(schedule_id=day.schedule_id, date=date).exists()
    ):
        raise DomainError(_("The schedule already has a reception day on that date."), field="date")
    day.date = date
    day.start_time = start_time
    day.end_time = end_time
    day.topic = topic.strip()
    day._history_user = actor
    day.save()
    _sync_duties(actor=actor, day=day, deputies=deputies)
    return day


@transaction.atomic
def reception_day_cancel(*, actor: User, day: ReceptionDay, reason: str = "") -> ReceptionDay:
    """Cancel a planned day; the reason (if any) is kept as the day's summary."""
    _lock_day(day)
    if day.status != ReceptionStatus.PLANNED:
        raise DomainError(_("Only a planned reception day can be cancelled."))
    day.status = ReceptionStatus.CANCELLED
    day.summary = reason.strip()
    day._history_user = actor
    day.save()
    return day


@transaction.atomic
def reception_day_record(
    *,
    actor: User,
    day: ReceptionDay,
    attendance: dict[int, str],
    visitor_count: int,
    summary: str = "",
) -> ReceptionDay:
    """Record who came (by deputy id), how many voters were received and a summary: the day is
    held. Recording again corrects it; every change keeps who made it and when (history)."""
    _lock_day(day)
    if day.status == ReceptionStatus.CANCELLED:
        raise DomainError(_("The reception day was cancelled: there is no attendance to record."))
    if day.date > timezone.localdate():
        raise DomainError(_("Attendance can be recorded on the day or after it."), field="date")
    if not 0 <= visitor_count <= MAX_VISITORS:
        raise DomainError(
            _("Enter a number of voters between 0 and %(max)s.") % {"max": MAX_VISITORS},
            field="visitor_count",
        )
    duties = list(
        ReceptionDuty.objects.select_for_update(of=("self",))
        .filter(reception_day=day)
        .select_related("deputy")
        .order_by("pk")
    )
    if not duties:
        raise DomainError(_("No deputy is on duty on this day."))
    unknown = set(attendance) - {duty.deputy_id for duty in duties}
    if unknown:
        raise DomainError(_("Only the deputies on duty can be recorded."), field="attendance")
    missing = [duty.deputy.name for duty in duties if duty.deputy_id not in attendance]
    if missing:
        raise DomainError(
            _("Record whether each deputy came: %(names)s") % {"names": "、".join(missing)},
            field="attendance",
        )
    if any(value not in RECORDED_ATTENDANCE for value in attendance.values()):
        raise DomainError(_("Attendance is one of: attended, absent, excused."), field="attendance")
    now = timezone.now()
    for duty in duties:
        value = attendance[duty.deputy_id]
        if value == duty.attendance:
            continue
        duty.attendance = value
        duty.recorded_by = actor
        duty.recorded_at = now
        duty._history_user = actor
        duty.save()
    day.status = ReceptionStatus.HELD
    day.visitor_count = visitor_count
    day.summary = summary.strip()
    day._history_user = actor
    day.save()
    duty_records_for_reception(day=day)
    return day


# Schedules ---------------------------------------------------------------------------------


def _check_schedule(schedule: ReceptionSchedule) -> None:
    if schedule.rule == RepeatRule.WEEKDAY_OF_MONTH:
        if schedule.week_of_month not in WEEKS_OF_MONTH:
            raise DomainError(
                _("Choose which week of the month: first to fourth, or last."),
                field="week_of_month",
            )
        if schedule.weekday is None or not 0 <= schedule.weekday <= 6:
            raise DomainError(_("Choose the day of the week."), field="weekday")
        schedule.day_of_month = None
    elif schedule.rule == RepeatRule.DAY_OF_MONTH:
        if schedule.day_of_month is None or not 1 <= schedule.day_of_month <= 31:
            raise DomainError(_("Choose a day of the month from 1 to 31."), field="day_of_month")
        schedule.week_of_month = None
        schedule.weekday = None
    else:
        raise DomainError(_("Choose how the reception day repeats."), field="rule")
    _check_times(schedule.start_time, schedule.end_time)
    if schedule.ends_on is not None and schedule.ends_on < schedule.starts_on:
        raise DomainError(_("The last date must not be before the first date."), field="ends_on")
    schedule.topic = schedule.topic.strip()


def _set_schedule_deputies(
    *, actor: User, schedule: ReceptionSchedule, deputies: list[Deputy]
) -> bool:
    """Make the schedule's deputies match; True when they changed."""
    current = {link.deputy_id: link for link in ScheduleDeputy.objects.filter(schedule=schedule)}
    wanted = {deputy.pk for deputy in deputies}
    changed = False
    for deputy_id, link in current.items():
        if deputy_id not in wanted:
            link._history_user = actor
            link.delete()
            changed = True
    for deputy in deputies:
        if deputy.pk not in current:
            link = ScheduleDeputy(
                congress_id=schedule.congress_id, schedule=schedule, deputy=deputy
            )
            link._history_user = actor
            link.save()
            changed = True
    return changed


@transaction.atomic
def reception_schedule_create(
    *,
    actor: User,
    congress: Congress,
    station: LiaisonStation,
    deputies: Iterable[Deputy],
    **fields,
) -> ReceptionSchedule:
    """A repeating reception day; its days for the next 90 days are created at once."""
    unknown = set(fields) - set(SCHEDULE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    _check_station(station)
    deputies = _check_deputies(deputies)
    schedule = ReceptionSchedule(congress=congress, station=station, **fields)
    _check_schedule(schedule)
    schedule._history_user = actor
    schedule.save()
    _set_schedule_deputies(actor=actor, schedule=schedule, deputies=deputies)
    reception_schedule_generate(schedule=schedule, actor=actor)
    return schedule


def _coming_planned(schedule: ReceptionSchedule):
    """The schedule's days from tomorrow on that nobody has held or cancelled yet."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return ReceptionDay.objects.filter(
        schedule=schedule, date__gte=tomorrow, status=ReceptionStatus.PLANNED
    )


@transaction.atomic
def reception_schedule_update(
    *,
    actor: User,
    schedule: ReceptionSchedule,
    deputies: Iterable[Deputy],
    **fields,
) -> ReceptionSchedule:
    """Change a schedule. Its coming planned days follow: a new rule, time or date range
    re-plans them; new deputies or topic are applied to them; stopping it removes them.
    Days already held or cancelled, and today's, stay as they are."""
    unknown = set(fields) - set(SCHEDULE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %s") % ", ".join(sorted(unknown)))
    deputies = _check_deputies(deputies)
    before = {name: getattr(schedule, name) for name in SCHEDULE_FIELDS}
    for name, value in fields.items():
        setattr(schedule, name, value)
    _check_schedule(schedule)
    schedule._history_user = actor
    schedule.save()
    deputies_changed = _set_schedule_deputies(actor=actor, schedule=schedule, deputies=deputies)
    timing_changed = any(before[name] != getattr(schedule, name) for name in TIMING_FIELDS)
    if timing_changed or not schedule.is_active:
        _delete_days(actor=actor, days=list(_coming_planned(schedule)))
    else:
        for day in _coming_planned(schedule).select_related("station"):
            if before["topic"] != schedule.topic and day.topic == before["topic"]:
                day.topic = schedule.topic
                day._history_user = actor
                day.save()
            if deputies_changed:
                _sync_duties(actor=actor, day=day, deputies=deputies)
    reception_schedule_generate(schedule=schedule, actor=actor)
    return schedule


def _delete_days(*, actor: User, days: list[ReceptionDay]) -> None:
    for day in days:
        for duty in ReceptionDuty.objects.filter(reception_day=day):
            duty._history_user = actor
            duty.delete()
        day._history_user = actor
        day.delete()
