"""Reads for the staff's duty work: the audit queue, a record's history, batch entry, quarters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from congress.models import Membership, Role
from deputies.models import Deputy, DeputyStatus
from deputies.selectors import deputy_at_station, deputy_in_group, deputy_search, deputy_visible
from liaison.models import DeputyGroup, StationDeputy
from liaison.selectors import station_visible

from .models import (
    DutyQuarter,
    DutyRecord,
    DutyRecordEvent,
    DutyRecordPhoto,
    RecordOrigin,
    RecordStatus,
    RuleItem,
    quarter_of,
)
from .selectors import (
    duty_record_reviewable,
    quarter_bounds,
    rule_items,
    rule_set_for_quarter,
)

# A checkbox list longer than this is a sign the filter is missing, not a list to scroll.
MAX_CANDIDATES = 600


@dataclass(frozen=True)
class ReviewFilters:
    year: int | None = None
    quarter: int | None = None
    category: str = ""
    station_id: int | None = None
    search: str = ""


def _filtered(queryset: QuerySet[DutyRecord], filters: ReviewFilters) -> QuerySet[DutyRecord]:
    if filters.year and filters.quarter:
        queryset = queryset.filter(year=filters.year, quarter=filters.quarter)
    if filters.category:
        queryset = queryset.filter(category_code=filters.category)
    if filters.station_id:
        queryset = queryset.filter(
            Exists(
                StationDeputy.objects.filter(
                    deputy=OuterRef("deputy_id"), station_id=filters.station_id
                )
            )
        )
    if filters.search:
        deputies = deputy_search(Deputy.objects.all(), filters.search)
        queryset = queryset.filter(deputy__in=deputies.values("pk"))
    return queryset


def _with_photos(queryset: QuerySet[DutyRecord]) -> QuerySet[DutyRecord]:
    return queryset.select_related("deputy").prefetch_related(
        Prefetch("photos", queryset=DutyRecordPhoto.objects.order_by("pk"))
    )


def review_queue(*, membership: Membership, filters: ReviewFilters) -> QuerySet[DutyRecord]:
    """Records awaiting audit that the member may audit, oldest first (first come, first seen)."""
    queryset = duty_record_reviewable(membership=membership).filter(status=RecordStatus.SUBMITTED)
    return _with_photos(_filtered(queryset, filters)).order_by("created_at", "pk")


def review_records(
    *, membership: Membership, filters: ReviewFilters, status: str = ""
) -> QuerySet[DutyRecord]:
    """The records the member may audit in any status (all of them when `status` is empty)."""
    queryset = duty_record_reviewable(membership=membership)
    if status:
        queryset = queryset.filter(status=status)
    return _with_photos(_filtered(queryset, filters)).order_by("created_at", "pk")


def recently_reviewed(
    *, membership: Membership, filters: ReviewFilters, days: int = 30
) -> QuerySet[DutyRecord]:
    """Self-reported records audited in the last `days` days, newest audit first."""
    since = timezone.now() - timedelta(days=days)
    queryset = duty_record_reviewable(membership=membership).filter(
        origin=RecordOrigin.DEPUTY, reviewed_at__gte=since
    )
    return (
        _with_photos(_filtered(queryset, filters))
        .select_related("reviewed_by")
        .order_by("-reviewed_at", "-pk")
    )


def queue_categories(*, membership: Membership) -> list[tuple[str, str]]:
    """The categories of this year's and last year's rules, as (code, name), for the filter.

    Read from the rules, not the records: a distinct over every record would scan them all.
    """
    year = timezone.localdate().year
    rows = (
        RuleItem.objects.filter(rule_set__year__in=[year, year - 1])
        .order_by("-rule_set__year", "-rule_set__version", "position")
        .values_list("code", "name")
    )
    seen: dict[str, str] = {}
    for code, name in rows:
        seen.setdefault(code, name)
    return list(seen.items())


def station_choices(*, membership: Membership) -> list[tuple[int, str]]:
    return list(station_visible(membership=membership).order_by("name").values_list("pk", "name"))


def group_choices(*, membership: Membership) -> list[tuple[int, str]]:
    """Groups span stations, so only members who read every deputy filter by them."""
    if membership.role == Role.STATION_STAFF:
        return []
    return list(DeputyGroup.objects.order_by("name").values_list("pk", "name"))


def record_for_review(*, record_id: int) -> QuerySet[DutyRecord]:
    return DutyRecord.objects.select_related("deputy", "reviewed_by", "created_by").filter(
        pk=record_id
    )


def record_history(*, record: DutyRecord) -> list[DutyRecordEvent]:
    return list(record.events.select_related("actor").order_by("at", "pk"))


def record_photos(*, record: DutyRecord) -> list[DutyRecordPhoto]:
    return list(record.photos.order_by("pk"))


# Batch entry -------------------------------------------------------------------------------


def entry_items(*, day: date) -> list[RuleItem]:
    """Every item of the rules for the day, duties and bonus and deduction items alike."""
    return rule_items(rule_set=rule_set_for_quarter(year=day.year, quarter=quarter_of(day)))


def entry_candidates(
    *, membership: Membership, group_id: int | None, station_id: int | None, search: str
) -> QuerySet[Deputy]:
    queryset = deputy_visible(membership=membership).filter(status=DeputyStatus.SERVING)
    if group_id:
        queryset = deputy_in_group(queryset, group_id)
    if station_id:
        queryset = deputy_at_station(queryset, station_id)
    queryset = deputy_search(queryset, search)
    return queryset.order_by("name_pinyin", "pk")


@dataclass
class NameMatch:
    found: list[Deputy]
    unknown: list[str]
    ambiguous: list[str]
    not_serving: list[str]


def match_names(*, membership: Membership, names: list[str]) -> NameMatch:
    """Pasted names matched exactly among the deputies the member may enter for, in one query.

    A name two serving deputies share is ambiguous: the member ticks the right one instead.
    """
    wanted = list(dict.fromkeys(name for name in names if name))
    by_name: dict[str, list[Deputy]] = {}
    for deputy in deputy_visible(membership=membership).filter(name__in=wanted):
        by_name.setdefault(deputy.name, []).append(deputy)
    match = NameMatch(found=[], unknown=[], ambiguous=[], not_serving=[])
    for name in wanted:
        deputies = by_name.get(name, [])
        serving = [deputy for deputy in deputies if deputy.status == DeputyStatus.SERVING]
        if len(serving) == 1:
            match.found.append(serving[0])
        elif len(serving) > 1:
            match.ambiguous.append(name)
        elif deputies:
            match.not_serving.append(name)
        else:
            match.unknown.append(name)
    return match


# Quarters ----------------------------------------------------------------------------------


@dataclass
class QuarterRow:
    year: int
    quarter: int
    starts_on: date
    ends_on: date
    counts: dict[str, int]
    state: DutyQuarter | None
    has_ended: bool

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def is_closed(self) -> bool:
        return self.state is not None and self.state.is_closed

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def status_counts(self) -> dict[str, int]:
        return {status: self.counts.get(status, 0) for status in RecordStatus.values}

    @property
    def submitted(self) -> int:
        return self.counts.get(RecordStatus.SUBMITTED, 0)

    @property
    def approved(self) -> int:
        return self.counts.get(RecordStatus.APPROVED, 0)

    @property
    def rejected(self) -> int:
        return self.counts.get(RecordStatus.REJECTED, 0)

    @property
    def confirmed(self) -> int:
        return self.counts.get(RecordStatus.CONFIRMED, 0)

    @property
    def can_close(self) -> bool:
        return self.has_ended and not self.is_closed


def quarter_overview(*, today: date | None = None) -> list[QuarterRow]:
    """Every quarter of this year and last, newest first, with its records counted by status
    in one aggregate query and its open or closed state in another."""
    today = today or timezone.localdate()
    years = [today.year, today.year - 1]
    counts: dict[tuple[int, int], dict[str, int]] = {}
    rows = (
        DutyRecord.objects.filter(year__in=years)
        .values("year", "quarter", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts.setdefault((row["year"], row["quarter"]), {})[row["status"]] = row["count"]
    states = {
        (state.year, state.quarter): state
        for state in DutyQuarter.objects.filter(year__in=years).select_related("closed_by")
    }
    result = []
    for year in years:
        for quarter in (4, 3, 2, 1):
            starts_on, ends_on = quarter_bounds(year, quarter)
            if starts_on > today:
                continue
            result.append(
                QuarterRow(
                    year=year,
                    quarter=quarter,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    counts=counts.get((year, quarter), {}),
                    state=states.get((year, quarter)),
                    has_ended=ends_on < today,
                )
            )
    return result
