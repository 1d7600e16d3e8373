"""Reads for duty points: the rules in force, the records a member may see, quarters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from congress import data_versions
from congress.models import Membership, Role
from liaison.models import StationDeputy
from liaison.selectors import station_ids_for_staff

from .models import DutyQuarter, DutyRecord, RuleItem, RuleSet, quarter_of


def rule_set_current(*, year: int) -> RuleSet | None:
    """The latest version of the year's rules: open quarters are scored by it."""
    return RuleSet.objects.filter(year=year).order_by("-version").first()


def rule_set_for_quarter(*, year: int, quarter: int) -> RuleSet | None:
    """The version a quarter is scored by: the one it closed with, else the current one (the
    year's latest version). One query: every duty report and the deputy's points page ask."""
    return rule_sets_for_quarter(year=year, quarter=quarter).first()


def rule_sets_for_quarter(*, year: int, quarter: int) -> QuerySet[RuleSet]:
    """The candidates of `rule_set_for_quarter`, the one that applies first: for a subquery."""
    closed_with = DutyQuarter.objects.filter(
        year=year, quarter=quarter, status=DutyQuarter.Status.CLOSED, rule_set=OuterRef("pk")
    )
    return (
        RuleSet.objects.filter(Q(year=year) | Exists(closed_with))
        .annotate(closed_with=Exists(closed_with))
        .order_by("-closed_with", "-version")
    )


def rule_items(*, rule_set: RuleSet | None) -> list[RuleItem]:
    if rule_set is None:
        return []
    return list(rule_set.items.order_by("position", "pk"))


def reportable_items(*, day: date) -> list[RuleItem]:
    """The categories a deputy may report for a day: duties of the rules in force that year."""
    rule_set = rule_set_for_quarter(year=day.year, quarter=quarter_of(day))
    return [item for item in rule_items(rule_set=rule_set) if item.self_reported]


# The tables a quarter's rules are read from (`quarter_rules` is cached by their versions).
QUARTER_RULES_READS = (RuleSet, RuleItem, DutyQuarter)


@dataclass(frozen=True)
class QuarterRules:
    closed: bool
    has_rules: bool
    items: dict[str, RuleItem]


def quarter_rules(*, year: int, quarter: int) -> QuarterRules:
    """Whether a quarter is closed, and the categories of the rules it is scored by: what every
    duty report checks, read once per version of those tables (congress.data_versions)."""
    return data_versions.cached(
        "quarter-rules",
        reads=QUARTER_RULES_READS,
        parts=(year, quarter),
        build=lambda: _quarter_rules(year=year, quarter=quarter),
    )


def _quarter_rules(*, year: int, quarter: int) -> QuarterRules:
    rule_set = rule_set_for_quarter(year=year, quarter=quarter)
    closed = DutyQuarter.objects.filter(
        year=year, quarter=quarter, status=DutyQuarter.Status.CLOSED
    ).exists()
    return QuarterRules(
        closed=closed,
        has_rules=rule_set is not None,
        items={item.code: item for item in rule_items(rule_set=rule_set)},
    )


def quarter_is_closed(*, day: date) -> bool:
    return DutyQuarter.objects.filter(
        year=day.year, quarter=quarter_of(day), status=DutyQuarter.Status.CLOSED
    ).exists()


def duty_record_reviewable(*, membership: Membership) -> QuerySet[DutyRecord]:
    """The records a member may audit: committee staff all, station staff their deputies'."""
    queryset = DutyRecord.objects.all()
    if membership.role == Role.STATION_STAFF:
        stations = station_ids_for_staff(user=membership.user)
        queryset = queryset.filter(
            Exists(
                StationDeputy.objects.filter(deputy=OuterRef("deputy_id"), station_id__in=stations)
            )
        )
    elif membership.role not in (Role.COMMITTEE_ADMIN, Role.COMMITTEE_STAFF):
        queryset = queryset.none()
    return queryset


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, last - timedelta(days=1)


def parse_quarter(text: str) -> tuple[int, int] | None:
    """'2025Q3' (or '2025q3', '2025-Q3') as (2025, 3); None when it is not a quarter."""
    cleaned = text.strip().upper().replace("-", "")
    if len(cleaned) != 6 or cleaned[4] != "Q" or not cleaned[:4].isdigit():
        return None
    year, quarter = int(cleaned[:4]), cleaned[5]
    if not quarter.isdigit() or not 1 <= int(quarter) <= 4 or not 2000 <= year <= 2100:
        return None
    return year, int(quarter)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)
