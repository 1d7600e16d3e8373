"""The daily reminders: voter messages about to fall due or overdue, and tomorrow's reception days.

Runs every morning for each congress (congress.schedules). Every notice carries a dedupe key, so
a second run on the same day, or a retry after a failure, tells nobody anything twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from congress.calendar import add_working_days, is_working_day
from congress.jobs import JobContext, congress_task
from congress.models import Congress, Membership, Role, User
from congress.notifications import Notice, notify_many
from congress.permissions import STAFF_ROLES
from liaison.models import (
    OPEN_STATUSES,
    Attendance,
    ReceptionDuty,
    ReceptionStatus,
    StationDeputy,
    StationStaff,
    VoterMessage,
)
from suggestions.models import UnitLiaison

KIND_DUE_SOON = "voter-message-due-soon"
KIND_OVERDUE = "voter-message-overdue"
KIND_OVERDUE_SUMMARY = "voter-messages-overdue"
KIND_RECEPTION_TOMORROW = "reception-tomorrow"
EXCERPT_LENGTH = 120


@dataclass(frozen=True)
class Reminder:
    user_id: int
    kind: str
    title: str
    body: str
    url: str
    dedupe_key: str


# --- Voter messages -------------------------------------------------------------------------


def message_reminders(*, congress: Congress, today: date) -> list[Reminder]:
    """Notices for the open messages due by the next working day, or already overdue.

    Each goes to everyone the message reaches by the rule of liaison.selectors.message_visible
    (its deputy or the deputy it was forwarded to, the staff of its station or of a station
    where its deputy receives, the liaisons of the unit it was forwarded to); committee staff,
    who reach them all, get one count of the overdue ones instead. Sent on working days only:
    the last working day before a holiday already warned of what falls due after it.
    """
    if not is_working_day(today):
        return []
    horizon = add_working_days(today, 1)
    messages = list(
        VoterMessage.objects.filter(status__in=OPEN_STATUSES, due_on__lte=horizon)
        .select_related("deputy", "forwarded_to_deputy")
        .order_by("due_on", "pk")
    )
    if not messages:
        return []
    readers = _message_readers(messages)
    reminders = []
    for message in messages:
        overdue = message.due_on < today
        kind = KIND_OVERDUE if overdue else KIND_DUE_SOON
        when = date_format(message.due_on, "MONTH_DAY_FORMAT")
        topic = message.get_topic_display()
        if overdue:
            title = _("A voter message is overdue (due %(date)s): %(topic)s")
        else:
            title = _("A voter message is due on %(date)s: %(topic)s")
        url = reverse(
            "messages:detail", kwargs={"congress_slug": congress.slug, "message_id": message.pk}
        )
        for user_id in sorted(readers[message.pk]):
            reminders.append(
                Reminder(
                    user_id=user_id,
                    kind=kind,
                    title=title % {"date": when, "topic": topic},
                    body=_excerpt(message.text),
                    url=url,
                    dedupe_key=f"{kind}:{message.pk}:{message.due_on.isoformat()}",
                )
            )
    overdue_count = sum(message.due_on < today for message in messages)
    if overdue_count:
        reminders += _overdue_summary(congress=congress, today=today, count=overdue_count)
    return reminders


def _message_readers(messages: list[VoterMessage]) -> dict[int, set[int]]:
    """Message id → the user ids it reaches (committee staff aside): four queries in all."""
    deputy_ids = {m.deputy_id for m in messages if m.deputy_id}
    unit_ids = {m.forwarded_to_unit_id for m in messages if m.forwarded_to_unit_id}
    stations_of_deputy: dict[int, set[int]] = defaultdict(set)
    for deputy_id, station_id in StationDeputy.objects.filter(deputy_id__in=deputy_ids).values_list(
        "deputy_id", "station_id"
    ):
        stations_of_deputy[deputy_id].add(station_id)
    station_ids = {m.station_id for m in messages if m.station_id}
    station_ids.update(*stations_of_deputy.values())
    staff_of_station: dict[int, set[int]] = defaultdict(set)
    for station_id, user_id in StationStaff.objects.filter(station_id__in=station_ids).values_list(
        "station_id", "user_id"
    ):
        staff_of_station[station_id].add(user_id)
    liaisons_of_unit: dict[int, set[int]] = defaultdict(set)
    for unit_id, user_id in UnitLiaison.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "user_id"
    ):
        liaisons_of_unit[unit_id].add(user_id)

    # (user, role) pairs per message: the role is how the message reaches them.
    candidates: dict[int, set[tuple[int, str]]] = {}
    for message in messages:
        pairs = set()
        for deputy in (message.deputy, message.forwarded_to_deputy):
            if deputy is not None and deputy.user_id:
                pairs.add((deputy.user_id, Role.DEPUTY))
        stations = {message.station_id} if message.station_id else set()
        stations |= stations_of_deputy.get(message.deputy_id, set())
        for station_id in stations:
            pairs |= {(user_id, Role.STATION_STAFF) for user_id in staff_of_station[station_id]}
        if message.forwarded_to_unit_id:
            pairs |= {
                (user_id, Role.UNIT_LIAISON)
                for user_id in liaisons_of_unit[message.forwarded_to_unit_id]
            }
        candidates[message.pk] = pairs
    user_ids = {user_id for pairs in candidates.values() for user_id, _role in pairs}
    roles = dict(
        Membership.objects.filter(
            user_id__in=user_ids, is_active=True, user__is_active=True
        ).values_list("user_id", "role")
    )
    return {
        message_id: {user_id for user_id, role in pairs if roles.get(user_id) == role}
        for message_id, pairs in candidates.items()
    }


def _overdue_summary(*, congress: Congress, today: date, count: int) -> list[Reminder]:
    staff_ids = Membership.objects.filter(
        role__in=STAFF_ROLES, is_active=True, user__is_active=True
    ).values_list("user_id", flat=True)
    title = ngettext(
        "%(count)d voter message is overdue",
        "%(count)d voter messages are overdue",
        count,
    ) % {"count": count}
    body = _("See the overdue messages and follow them up with whoever handles them.")
    url = reverse("messages:overdue", kwargs={"congress_slug": congress.slug})
    return [
        Reminder(
            user_id=user_id,
            kind=KIND_OVERDUE_SUMMARY,
            title=title,
            body=body,
            url=url,
            dedupe_key=f"{KIND_OVERDUE_SUMMARY}:{today.isoformat()}",
        )
        for user_id in sorted(staff_ids)
    ]


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


# --- Reception days -------------------------------------------------------------------------


def reception_reminders(*, congress: Congress, today: date) -> list[Reminder]:
    """A notice to each deputy on duty at a reception day tomorrow (the next calendar day)."""
    tomorrow = today + timedelta(days=1)
    duties = (
        ReceptionDuty.objects.filter(
            reception_day__date=tomorrow, reception_day__status=ReceptionStatus.PLANNED
        )
        .exclude(attendance=Attendance.EXCUSED)
        .filter(deputy__user__isnull=False)
        .select_related("reception_day__station", "deputy")
        .order_by("reception_day__start_time", "pk")
    )
    duties = list(duties)
    deputy_user_ids = {duty.deputy.user_id for duty in duties}
    members = set(
        Membership.objects.filter(
            user_id__in=deputy_user_ids, role=Role.DEPUTY, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    reminders = []
    for duty in duties:
        if duty.deputy.user_id not in members:
            continue
        day = duty.reception_day
        station = day.station
        body = _("Time: %(date)s %(start)s–%(end)s. Address: %(address)s.") % {
            "date": date_format(day.date, "MONTH_DAY_FORMAT"),
            "start": day.start_time.strftime("%H:%M"),
            "end": day.end_time.strftime("%H:%M"),
            "address": station.address or station.name,
        }
        if day.topic:
            body += " " + _("Topic: %(topic)s.") % {"topic": day.topic}
        reminders.append(
            Reminder(
                user_id=duty.deputy.user_id,
                kind=KIND_RECEPTION_TOMORROW,
                title=_("Tomorrow you receive voters at %(station)s") % {"station": station.name},
                body=body,
                url=reverse(
                    "receptions:detail",
                    kwargs={"congress_slug": congress.slug, "reception_id": day.pk},
                ),
                dedupe_key=f"{KIND_RECEPTION_TOMORROW}:{day.pk}:{day.date.isoformat()}",
            )
        )
    return reminders


# --- Sending --------------------------------------------------------------------------------


def send_reminders(*, congress: Congress, reminders: list[Reminder]) -> int:
    """Hand the reminders to notify_many(); returns how many notices were new (a reminder
    whose key its user already has was sent before)."""
    if not reminders:
        return 0
    users = User.objects.in_bulk({reminder.user_id for reminder in reminders})
    notices = [
        Notice(
            user=users[reminder.user_id],
            kind=reminder.kind,
            title=reminder.title,
            body=reminder.body,
            url=reminder.url,
            dedupe_key=reminder.dedupe_key,
        )
        for reminder in reminders
    ]
    return len(notify_many(congress=congress, notices=notices))


def send_daily_reminders_for(*, congress: Congress, today: date, job: JobContext | None = None):
    """Both kinds of reminder for one congress on `today`, in the congress's language."""
    with translation.override(settings.LANGUAGE_CODE):
        messages = send_reminders(
            congress=congress, reminders=message_reminders(congress=congress, today=today)
        )
        if job is not None:
            job.progress(50)
        receptions = send_reminders(
            congress=congress, reminders=reception_reminders(congress=congress, today=today)
        )
    return {"message_notices": messages, "reception_notices": receptions}


@congress_task(label=gettext_lazy("Daily reminders"))
def send_daily_reminders(job: JobContext) -> dict:
    return send_daily_reminders_for(congress=job.congress, today=timezone.localdate(), job=job)
