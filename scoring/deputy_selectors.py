"""Reads for a deputy's own duty points on the phone: points, rank, records, warnings."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from congress import data_versions
from congress.models import Congress, User
from deputies.models import Deputy, DeputyStatus

from .models import (
    DutyRecord,
    DutyRecordEvent,
    DutyRecordPhoto,
    DutyWarning,
    Period,
    Ranking,
    RankingCategoryScore,
    RankingEntry,
    RankingGroupEntry,
    RuleItem,
    WarningStatus,
    quarter_of,
)
from .selectors import parse_quarter, previous_quarter

ZERO = Decimal("0")


def own_deputy(*, user: User) -> Deputy | None:
    """The roster entry the account acts as: a serving one first, then the latest term. Every
    page and post of a deputy asks: read once per version of the roster (congress.data_versions).
    """
    return data_versions.cached(
        "own-deputy",
        reads=(Deputy, Congress),
        parts=(user.pk,),
        build=lambda: _own_deputy(user=user),
    )


def _own_deputy(*, user: User) -> Deputy | None:
    serving = Case(When(status=DeputyStatus.SERVING, then=Value(0)), default=Value(1))
    return (
        Deputy.objects.filter(user=user)
        .select_related("congress")
        .order_by(serving, "-term", "-id")
        .first()
    )


def current_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, quarter_of(today)


def chosen_quarter(text: str | None) -> tuple[int, int]:
    """The quarter asked for in the query string; today's for none, a bad one or a future one."""
    current = current_quarter()
    parsed = parse_quarter(text or "")
    if parsed is None or parsed > current:
        return current
    return parsed


def next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def _empty_score() -> dict:
    return {"points": ZERO, "records": 0, "categories": []}


def _entries_of(*, ranking: Ranking, deputy: Deputy) -> QuerySet[RankingEntry]:
    """The deputy's entries in a ranking, the quarter's and the year's. Both periods are named:
    the entries' unique index (ranking, period, deputy) then finds the two rows directly instead
    of reading through the ranking's every entry (there is no index by deputy)."""
    return RankingEntry.objects.filter(ranking=ranking, period__in=Period.values, deputy=deputy)


def _snapshot_scores(*, ranking: Ranking, deputy: Deputy) -> dict:
    """The deputy's published numbers of a ranked quarter, as deputy_live_scores shapes them."""
    scores = {Period.QUARTER: _empty_score(), Period.YEAR: _empty_score()}
    for entry in _entries_of(ranking=ranking, deputy=deputy):
        scores[entry.period]["points"] = entry.points
        scores[entry.period]["records"] = entry.record_count
    # In the order of the rules the quarter was ranked by, as the live numbers come.
    order = dict(
        RuleItem.objects.filter(rule_set_id=ranking.rule_set_id).values_list("code", "position")
    )
    categories = sorted(
        RankingCategoryScore.objects.filter(ranking=ranking, deputy=deputy),
        key=lambda row: (order.get(row.category_code, 999), row.category_code),
    )
    for row in categories:
        for period in (Period.QUARTER, Period.YEAR):
            records, _recess, raw, points = RankingCategoryScore.fields_for(period)
            if period == Period.QUARTER and not getattr(row, records):
                continue  # scored earlier in the year, nothing this quarter
            scores[period]["categories"].append(
                {
                    "code": row.category_code,
                    "name": row.category_name,
                    "records": getattr(row, records),
                    "raw_points": getattr(row, raw),
                    "points": getattr(row, points),
                }
            )
    return {"quarter": scores[Period.QUARTER], "year": scores[Period.YEAR]}


def points_and_standing(*, deputy: Deputy, year: int, quarter: int) -> tuple[dict, dict | None]:
    """A quarter's points (`_points`) and the deputy's place in the latest published ranking
    (`_standing`), as the deputy's points page and its API show them; the quarter's ranking and
    the latest are read in one query."""
    latest = Ranking.objects.order_by("-year", "-quarter").values("pk")[:1]
    rankings = list(Ranking.objects.filter(Q(year=year, quarter=quarter) | Q(pk__in=latest)))
    chosen = next((r for r in rankings if (r.year, r.quarter) == (year, quarter)), None)
    newest = max(rankings, key=lambda r: (r.year, r.quarter), default=None)
    return (
        _points(deputy=deputy, year=year, quarter=quarter, ranking=chosen),
        _standing(deputy=deputy, ranking=newest),
    )


def _points(*, deputy: Deputy, year: int, quarter: int, ranking: Ranking | None) -> dict:
    """The quarter's and the year so far's points by category: the published snapshot once the
    quarter is ranked (`ranking`; so the page agrees with the board), else counted live from
    the records."""
    from .ranking import deputy_live_scores

    if ranking is not None:
        scores = _snapshot_scores(ranking=ranking, deputy=deputy)
        source = "ranking"
    else:
        scores = deputy_live_scores(deputy=deputy, year=year, quarter=quarter)
        source = "live"
    return {
        "year": year,
        "quarter": quarter,
        "label": f"{year}Q{quarter}",
        "source": source,
        "is_current": (year, quarter) == current_quarter(),
        "previous": "{}Q{}".format(*previous_quarter(year, quarter)),
        "next": "{}Q{}".format(*next_quarter(year, quarter))
        if (year, quarter) < current_quarter()
        else None,
        "quarter_scores": scores["quarter"],
        "year_scores": scores["year"],
    }


def _standing(*, deputy: Deputy, ranking: Ranking | None) -> dict | None:
    """The deputy's place in `ranking`, the latest published: in the congress and in each
    group, for the quarter and the year so far, with the change since the quarter before."""
    if ranking is None:
        return None
    entries = {entry.period: entry for entry in _entries_of(ranking=ranking, deputy=deputy)}
    groups = list(
        RankingGroupEntry.objects.filter(ranking=ranking, deputy=deputy, period=Period.QUARTER)
        .select_related("group")
        .order_by("group__name")
    )
    quarter_entry = entries.get(Period.QUARTER)
    return {
        "ranking": ranking,
        "label": ranking.label,
        "change": _change(quarter_entry),
        "deputy_count": ranking.deputy_count,
        "quarter": entries.get(Period.QUARTER),
        "year": entries.get(Period.YEAR),
        "groups": [{"name": row.group.name, "rank": row.rank} for row in groups],
    }


def _change(entry: RankingEntry | None) -> dict:
    """Points and places gained since the quarter before (None when there is nothing to compare);
    the sizes are unsigned, for sentences that say 'more' or 'fewer'."""
    points = entry.points_change if entry is not None else None
    places = entry.rank_change if entry is not None else None
    return {
        "points": points,
        "points_size": abs(points) if points is not None else None,
        "places": places,
        "places_size": abs(places) if places is not None else 0,
    }


def my_records(*, user: User, year: int | None = None, quarter: int | None = None):
    """The account's records (all its roster entries), the latest first, with their photo count."""
    queryset = DutyRecord.objects.filter(deputy__user=user)
    if year is not None:
        queryset = queryset.filter(year=year)
    if quarter is not None:
        queryset = queryset.filter(quarter=quarter)
    return queryset.annotate(photo_count=Count("photos")).order_by("-occurred_on", "-pk")


def record_for_page(*, record_id: int) -> QuerySet[DutyRecord]:
    """A record with what its page shows, fetched through the scope (a foreign id is a 404)."""
    return DutyRecord.objects.select_related("deputy", "congress", "reviewed_by").prefetch_related(
        Prefetch("photos", queryset=DutyRecordPhoto.objects.order_by("pk")),
        Prefetch(
            "events", queryset=DutyRecordEvent.objects.select_related("actor").order_by("at", "pk")
        ),
    )


def photo_url(*, congress_slug: str, photo_id: int) -> str:
    """Where a record's photo is served; empty while that page is not wired."""
    try:
        return reverse(
            "duty_files:photo", kwargs={"congress_slug": congress_slug, "duty_photo_id": photo_id}
        )
    except NoReverseMatch:
        return ""


def my_warnings(*, user: User, active_only: bool = False) -> QuerySet[DutyWarning]:
    queryset = DutyWarning.objects.filter(deputy__user=user).select_related(
        "raised_by", "cleared_by", "rule"
    )
    if active_only:
        queryset = queryset.filter(status=WarningStatus.ACTIVE)
    return queryset.order_by("status", "-raised_at", "-pk")
