"""Reads for voter messages: the member's list with its filters, counts, timeline and contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from congress.calendar import add_working_days
from congress.models import Membership, Role
from congress.permissions import STAFF_ROLES
from deputies.models import Deputy, DeputyStatus
from liaison.models import (
    OPEN_STATUSES,
    LiaisonStation,
    MessageStatus,
    StationDeputy,
    VoterMessage,
    VoterMessageEvent,
    VoterMessagePhoto,
)
from liaison.selectors import (
    deputy_ids_for_user,
    message_visible,
    station_ids_for_staff,
    station_visible,
)
from suggestions.models import HandlingUnit

# "Due soon": still open and due within this many working days from today.
DUE_SOON_WORKING_DAYS = 2


@dataclass(frozen=True)
class MessageFilters:
    status: str = ""
    topic: str = ""
    source: str = ""
    station_id: int | None = None
    deputy_id: int | None = None
    overdue: bool = False
    due_soon: bool = False
    search: str = ""


def _overdue(today: date) -> Q:
    return Q(status__in=OPEN_STATUSES, due_on__lt=today)


def with_overdue(queryset: QuerySet[VoterMessage], today: date) -> QuerySet[VoterMessage]:
    """Adds `overdue` (open and past its due date), computed in the database."""
    return queryset.annotate(
        overdue=Case(
            When(_overdue(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def message_list(
    *, membership: Membership, filters: MessageFilters | None = None, today: date | None = None
) -> QuerySet[VoterMessage]:
    """The messages the member may read, filtered; overdue first, then open ones by due date,
    then answered and closed ones, the newest first. One query whatever the length."""
    filters = filters or MessageFilters()
    today = today or timezone.localdate()
    queryset = with_overdue(
        message_visible(membership=membership).select_related(
            "deputy", "station", "forwarded_to_deputy", "forwarded_to_unit"
        ),
        today,
    )
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.topic:
        queryset = queryset.filter(topic=filters.topic)
    if filters.source:
        queryset = queryset.filter(source=filters.source)
    if filters.station_id:
        queryset = queryset.filter(station_id=filters.station_id)
    if filters.deputy_id:
        queryset = queryset.filter(
            Q(deputy_id=filters.deputy_id) | Q(forwarded_to_deputy_id=filters.deputy_id)
        )
    if filters.overdue:
        queryset = queryset.filter(_overdue(today))
    if filters.due_soon:
        last_day = add_working_days(today, DUE_SOON_WORKING_DAYS)
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_on__range=(today, last_day))
    search = filters.search.strip()
    if search:
        queryset = queryset.filter(
            Q(tracking_code__iexact=search.replace(" ", "")) | Q(text__contains=search)
        )
    is_open = Q(status__in=OPEN_STATUSES)
    return queryset.annotate(
        open_due=Case(When(is_open, then=F("due_on"))),
        done_due=Case(When(~is_open, then=F("due_on"))),
    ).order_by(
        F("overdue").desc(),
        F("open_due").asc(nulls_last=True),
        F("done_due").desc(nulls_last=True),
        "-created_at",
        "-pk",
    )


def deputy_message_list(*, membership: Membership, open_only: bool = False):
    """A deputy's own messages for the phone: the newest first."""
    queryset = with_overdue(
        message_visible(membership=membership).select_related("station"),
        timezone.localdate(),
    )
    if open_only:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    return queryset.order_by("-created_at", "-pk")


def status_counts(*, membership: Membership, today: date | None = None) -> dict[str, int]:
    """How many visible messages are in each status, and how many are overdue: one query."""
    today = today or timezone.localdate()
    counts = {status: Count("pk", filter=Q(status=status)) for status in MessageStatus.values}
    counts["overdue"] = Count("pk", filter=_overdue(today))
    counts["all"] = Count("pk")
    return message_visible(membership=membership).aggregate(**counts)


def message_timeline(*, message: VoterMessage) -> list[VoterMessageEvent]:
    return list(message.events.select_related("actor").order_by("at", "pk"))


def message_photos(*, message: VoterMessage) -> list[VoterMessagePhoto]:
    return list(VoterMessagePhoto.objects.filter(message=message).order_by("pk"))


def shows_voter_contact(*, membership: Membership, message: VoterMessage) -> bool:
    """The voter's name and phone: for the deputy the message was sent to, committee staff and
    the station staff who reach it; never for a unit or another deputy it was forwarded to."""
    if membership.role in STAFF_ROLES:
        return True
    if membership.role == Role.STATION_STAFF:
        return message_visible(membership=membership).filter(pk=message.pk).exists()
    if membership.role == Role.DEPUTY:
        return message.deputy_id is not None and message.deputy_id in deputy_ids_for_user(
            user=membership.user
        )
    return False


def answered_in_time(message: VoterMessage) -> bool | None:
    """None while unanswered; otherwise whether the answer came on or before the due date."""
    if message.answered_at is None:
        return None
    return timezone.localdate(message.answered_at) <= message.due_on


# Choices for forms: what a member may pick. ------------------------------------------------


def stations_for_visits(*, membership: Membership) -> QuerySet[LiaisonStation]:
    """Open stations where the member may register a visit (station staff: their own)."""
    return station_visible(membership=membership).filter(is_active=True).order_by("kind", "name")


def deputies_for_member(*, membership: Membership) -> QuerySet[Deputy]:
    """Serving deputies the member may pick (station staff: those at their stations)."""
    deputies = Deputy.objects.filter(status=DeputyStatus.SERVING)
    if membership.role == Role.STATION_STAFF:
        stations = station_ids_for_staff(user=membership.user)
        deputies = deputies.filter(
            pk__in=StationDeputy.objects.filter(station_id__in=stations).values("deputy_id")
        )
    return deputies.order_by("name_pinyin", "pk")


def stations_for_filter(*, membership: Membership) -> QuerySet[LiaisonStation]:
    return station_visible(membership=membership).order_by("kind", "name", "pk")


def active_units() -> QuerySet[HandlingUnit]:
    return HandlingUnit.objects.filter(is_active=True).order_by("kind", "name", "pk")
