"""Reads for warnings: the filtered list, one warning with its talks, the rules, the counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import DutyWarning, Ranking, WarningLevel, WarningRule, WarningStatus, WarningTalk


@dataclass(frozen=True)
class WarningFilters:
    level: str = ""
    status: str = ""
    quarter: tuple[int, int] | None = None
    search: str = ""


def warning_list(*, filters: WarningFilters) -> QuerySet[DutyWarning]:
    """Warnings newest first with everything a row shows, in one query whatever the length."""
    queryset = DutyWarning.objects.select_related(
        "deputy", "rule", "raised_by", "cleared_by"
    ).annotate(talk_count=Count("talks"))
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.quarter:
        year, quarter = filters.quarter
        queryset = queryset.filter(raised_by__year=year, raised_by__quarter=quarter)
    if filters.search:
        queryset = queryset.filter(
            Q(deputy__name__contains=filters.search)
            | Q(deputy__name_pinyin__icontains=filters.search)
        )
    return queryset.order_by("-raised_by__year", "-raised_by__quarter", "-pk")


def warning_counts() -> dict[str, int]:
    """Active warnings by level, for the cards at the top of the list."""
    rows = (
        DutyWarning.objects.filter(status=WarningStatus.ACTIVE)
        .order_by()
        .values("level")
        .annotate(count=Count("pk"))
    )
    counts = dict.fromkeys(WarningLevel.values, 0)
    counts.update({row["level"]: row["count"] for row in rows})
    return counts


def ranked_quarters() -> list[tuple[int, int]]:
    return list(Ranking.objects.order_by("-year", "-quarter").values_list("year", "quarter"))


def warning_detail(*, warning_id: int) -> QuerySet[DutyWarning]:
    return DutyWarning.objects.select_related("deputy", "rule", "raised_by", "cleared_by").filter(
        pk=warning_id
    )


def warning_talks(*, warning: DutyWarning) -> list[WarningTalk]:
    return list(warning.talks.select_related("recorded_by").order_by("-held_on", "-pk"))


def deputy_other_warnings(*, warning: DutyWarning) -> list[DutyWarning]:
    return list(
        DutyWarning.objects.filter(deputy_id=warning.deputy_id)
        .exclude(pk=warning.pk)
        .select_related("rule", "raised_by", "cleared_by")
        .order_by("-raised_at")
    )


def warning_rule_list() -> list[WarningRule]:
    return list(
        WarningRule.objects.annotate(
            active_count=Count("warnings", filter=Q(warnings__status=WarningStatus.ACTIVE))
        ).order_by("pk")
    )
