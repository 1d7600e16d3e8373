"""Reads for the rule set pages: the years and their versions, and which quarters each scored."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from .models import AutoSource, DutyQuarter, RuleItem, RuleSet


@dataclass
class RuleYear:
    year: int
    versions: list[RuleSet] = field(default_factory=list)
    # Quarters not yet closed: they are scored by the year's latest version.
    open_quarters: list[int] = field(default_factory=list)

    @property
    def current(self) -> RuleSet:
        return self.versions[0]


def _closed_quarters() -> dict[int, list[DutyQuarter]]:
    """Closed quarters by the rule set version they closed with."""
    by_rule_set: dict[int, list[DutyQuarter]] = defaultdict(list)
    for quarter in DutyQuarter.objects.filter(
        status=DutyQuarter.Status.CLOSED, rule_set__isnull=False
    ).order_by("year", "quarter"):
        by_rule_set[quarter.rule_set_id].append(quarter)
    return by_rule_set


def rule_years() -> list[RuleYear]:
    """Every year with rules, newest first, each with its versions (newest first) and the
    closed quarters each version scored: two queries whatever the number of versions."""
    closed = _closed_quarters()
    years: dict[int, RuleYear] = {}
    rule_sets = (
        RuleSet.objects.select_related("created_by")
        .annotate(item_count=Count("items"))
        .order_by("-year", "-version")
    )
    for rule_set in rule_sets:
        rule_set.closed_quarters = closed.get(rule_set.pk, [])
        years.setdefault(rule_set.year, RuleYear(year=rule_set.year)).versions.append(rule_set)
    for year in years.values():
        done = {quarter.quarter for version in year.versions for quarter in version.closed_quarters}
        year.open_quarters = [number for number in (1, 2, 3, 4) if number not in done]
    return list(years.values())


def rule_set_page(*, rule_set: RuleSet) -> dict:
    """A version with its items, the other versions of its year and the quarters it scored."""
    versions = list(
        RuleSet.objects.filter(year=rule_set.year).select_related("created_by").order_by("-version")
    )
    closed = _closed_quarters()
    for version in versions:
        version.closed_quarters = closed.get(version.pk, [])
    current = versions[0]
    items = list(RuleItem.objects.filter(rule_set=rule_set).order_by("position", "pk"))
    labels = dict(AutoSource.choices)
    for item in items:
        item.source_labels = [labels.get(source, source) for source in item.auto_sources or []]
    done = {quarter.quarter for version in versions for quarter in version.closed_quarters}
    return {
        "items": items,
        "versions": versions,
        "is_current": current.pk == rule_set.pk,
        "current": current,
        "closed_quarters": closed.get(rule_set.pk, []),
        "open_quarters": [number for number in (1, 2, 3, 4) if number not in done],
    }
