"""Reads for the ranking board, the red and black lists, a deputy's trace and duty portrait."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncMonth

from deputies.models import Deputy
from deputies.selectors import deputy_search
from liaison.models import DeputyGroup, GroupMembership, LiaisonStation, StationDeputy

from .models import (
    COUNTED_STATUSES,
    DutyRecord,
    DutyWarning,
    Period,
    Ranking,
    RankingCategoryScore,
    RankingEntry,
    RankingGroupEntry,
    RankingRollup,
    RecordStatus,
    RollupKind,
    WarningLevel,
)
from .selectors import parse_quarter

# How many groups or stations the red and the black list each show.
LIST_SIZE = 5
LEVEL_ORDER = {WarningLevel.YELLOW: 1, WarningLevel.ORANGE: 2, WarningLevel.RED: 3}


@dataclass
class EntryFilters:
    period: str = Period.QUARTER
    group_id: int | None = None
    station_id: int | None = None
    level: str = ""
    q: str = ""

    @property
    def period_label(self) -> str:
        return Period(self.period).label


@dataclass
class Category:
    code: str
    name: str


def ranking_list() -> QuerySet[Ranking]:
    return Ranking.objects.select_related("rule_set").order_by("-year", "-quarter")


def ranking_chosen(text: str | None) -> Ranking | None:
    """The ranking of '2025Q3'; the latest one when the text is empty, bad or not ranked."""
    parsed = parse_quarter(text or "")
    if parsed is not None:
        found = ranking_list().filter(year=parsed[0], quarter=parsed[1]).first()
        if found is not None:
            return found
    return ranking_list().first()


def category_scores(*, ranking: Ranking, period: str, **filters) -> QuerySet:
    """A snapshot's category scores of one period, each period's figures under the same names
    (`period_records`, `period_raw_points`, `period_points`): a row holds both periods."""
    records, _recess, raw, points = RankingCategoryScore.fields_for(period)
    return RankingCategoryScore.objects.filter(
        RankingCategoryScore.in_period(period), ranking=ranking, **filters
    ).annotate(period_records=F(records), period_raw_points=F(raw), period_points=F(points))


def ranking_categories(*, ranking: Ranking, period: str = Period.YEAR) -> list[Category]:
    """The categories the snapshot scored, in the order of its rule set's items.

    Found in the category scores (tens of thousands of rows in a large congress) the first
    time, then kept on the ranking: a snapshot never changes.
    """
    known = ranking.categories.get(period)
    if known is None:
        codes = (
            RankingCategoryScore.objects.filter(
                RankingCategoryScore.in_period(period), ranking=ranking
            )
            .values_list("category_code", "category_name")
            .distinct()
        )
        positions = {
            code: index
            for index, code in enumerate(
                ranking.rule_set.items.order_by("position", "pk").values_list("code", flat=True)
            )
        }
        found = dict(codes)
        ordered = sorted(found, key=lambda code: (positions.get(code, len(positions)), code))
        known = [[code, found[code]] for code in ordered]
        ranking.categories = {**ranking.categories, period: known}
        # The one column, without touching the rest of the row (computed_at, the counts).
        Ranking.objects.filter(pk=ranking.pk).update(categories=ranking.categories)
    return [Category(code=code, name=name) for code, name in known]


def ranking_entries(*, ranking: Ranking, filters: EntryFilters) -> QuerySet[RankingEntry]:
    return (
        _entries_filtered(ranking=ranking, filters=filters)
        .select_related("deputy")
        .prefetch_related(
            Prefetch("deputy__deputy_groups", queryset=DeputyGroup.objects.order_by("name")),
            Prefetch("deputy__stations", queryset=LiaisonStation.objects.order_by("name")),
        )
    )


def _entries_filtered(*, ranking: Ranking, filters: EntryFilters) -> QuerySet[RankingEntry]:
    queryset = RankingEntry.objects.filter(ranking=ranking, period=filters.period)
    if filters.group_id:
        queryset = queryset.filter(
            Exists(
                GroupMembership.objects.filter(
                    deputy=OuterRef("deputy_id"), group_id=filters.group_id
                )
            )
        )
    if filters.station_id:
        queryset = queryset.filter(
            Exists(
                StationDeputy.objects.filter(
                    deputy=OuterRef("deputy_id"), station_id=filters.station_id
                )
            )
        )
    if filters.level:
        queryset = queryset.filter(deputy__level=filters.level)
    if filters.q.strip():
        queryset = queryset.filter(
            deputy_id__in=deputy_search(Deputy.objects.all(), filters.q).values("pk")
        )
    return queryset


def warnings_in_force(*, ranking: Ranking, deputy_ids) -> QuerySet[DutyWarning]:
    """Warnings raised at or before the ranking and not cleared by then."""
    year, quarter = ranking.year, ranking.quarter
    raised = Q(raised_by__year__lt=year) | Q(raised_by__year=year, raised_by__quarter__lte=quarter)
    not_cleared = (
        Q(cleared_by__isnull=True)
        | Q(cleared_by__year__gt=year)
        | Q(cleared_by__year=year, cleared_by__quarter__gt=quarter)
    )
    return DutyWarning.objects.filter(raised, not_cleared, deputy_id__in=deputy_ids)


def decorate_entries(entries, *, ranking: Ranking, period: str, categories: list[Category]):
    """Each entry of a page gets its category points (in column order) and its warnings:
    two queries for the whole page."""
    entries = list(entries)
    deputy_ids = [entry.deputy_id for entry in entries]
    scores = _page_scores(ranking=ranking, period=period, deputy_ids=deputy_ids)
    warnings: dict[int, list[DutyWarning]] = {}
    for warning in warnings_in_force(ranking=ranking, deputy_ids=deputy_ids).order_by("pk"):
        warnings.setdefault(warning.deputy_id, []).append(warning)
    for entry in entries:
        _places_moved(entry)
        _attach(entry, scores=scores, warnings=warnings, categories=categories)
    return entries


def _page_scores(*, ranking: Ranking, period: str, deputy_ids) -> dict[int, dict[str, Decimal]]:
    """A page's category points, by deputy and category code: one query."""
    scores: dict[int, dict[str, Decimal]] = {}
    for deputy_id, code, points in category_scores(
        ranking=ranking, period=period, deputy_id__in=deputy_ids
    ).values_list("deputy_id", "category_code", "period_points"):
        scores.setdefault(deputy_id, {})[code] = points
    return scores


def _attach(entry: RankingEntry, *, scores: dict, warnings: dict, categories: list[Category]):
    """An entry's category points in column order, its warnings and the highest of their
    levels, from what `decorate_entries` or `board_decorate` read for the page."""
    own = scores.get(entry.deputy_id, {})
    entry.category_cells = [
        {"code": category.code, "name": category.name, "points": own.get(category.code)}
        for category in categories
    ]
    entry.warnings = warnings.get(entry.deputy_id, [])
    entry.warning_level = max(
        (warning.level for warning in entry.warnings),
        key=lambda level: LEVEL_ORDER.get(level, 0),
        default="",
    )


def _places_moved(entry: RankingEntry) -> None:
    """How many places up or down, unsigned, for the page to say "up 3" or "down 3"."""
    change = entry.rank_change
    entry.places_moved = abs(change) if change else 0


# The board ------------------------------------------------------------------------------------


def board_rankings(text: str | None) -> tuple[Ranking | None, list[Ranking]]:
    """The ranking of '2025Q3' (the latest one when the text is empty, bad or not ranked), as
    `ranking_chosen` finds it, and every ranking for the quarter select: one query."""
    rankings = list(ranking_list())
    parsed = parse_quarter(text or "")
    if parsed is not None:
        for ranking in rankings:
            if (ranking.year, ranking.quarter) == parsed:
                return ranking, rankings
    return (rankings[0] if rankings else None), rankings


def board_entries(*, ranking: Ranking, filters: EntryFilters) -> QuerySet[RankingEntry]:
    """The entries the board pages through, with what a row shows of the deputy (name and
    level) and no more; `board_decorate` adds the rest for one page."""
    return (
        _entries_filtered(ranking=ranking, filters=filters)
        .select_related("deputy")
        .only(
            "deputy",
            "rank",
            "points",
            "previous_points",
            "previous_rank",
            "deputy__name",
            "deputy__level",
        )
    )


@dataclass(frozen=True)
class WarningShown:
    level: str
    reason: str


def board_decorate(entries, *, ranking: Ranking, period: str, categories: list[Category]):
    """What a board page's rows show besides the snapshot's figures, read now: each deputy's
    groups and stations (names in order), the category points in column order and the warnings
    in force at the ranking. Four queries of plain values for the whole page."""
    entries = list(entries)
    deputy_ids = [entry.deputy_id for entry in entries]
    groups: dict[int, list[str]] = {}
    for deputy_id, name in (
        DeputyGroup.objects.filter(memberships__deputy_id__in=deputy_ids)
        .order_by("name")
        .values_list("memberships__deputy_id", "name")
    ):
        groups.setdefault(deputy_id, []).append(name)
    stations: dict[int, list[str]] = {}
    for deputy_id, name in (
        LiaisonStation.objects.filter(deputy_links__deputy_id__in=deputy_ids)
        .order_by("name")
        .values_list("deputy_links__deputy_id", "name")
    ):
        stations.setdefault(deputy_id, []).append(name)
    scores = _page_scores(ranking=ranking, period=period, deputy_ids=deputy_ids)
    warnings: dict[int, list[WarningShown]] = {}
    for deputy_id, level, reason in (
        warnings_in_force(ranking=ranking, deputy_ids=deputy_ids)
        .order_by("pk")
        .values_list("deputy_id", "level", "reason")
    ):
        warnings.setdefault(deputy_id, []).append(WarningShown(level=level, reason=reason))
    for entry in entries:
        _places_moved(entry)
        entry.group_names = groups.get(entry.deputy_id, [])
        entry.station_names = stations.get(entry.deputy_id, [])
        _attach(entry, scores=scores, warnings=warnings, categories=categories)
    return entries


@dataclass
class Lists:
    kind: str
    red: list[RankingRollup] = field(default_factory=list)
    black: list[RankingRollup] = field(default_factory=list)


def red_and_black(*, ranking: Ranking, period: str, kind: str, size: int = LIST_SIZE) -> Lists:
    """The best `size` by average (red) and the worst (black); they never overlap.

    Only the first and the last `size` rows are read: a city has some 2,000 groups and stations.
    """
    return red_and_black_lists(ranking=ranking, period=period, kinds=[kind], size=size)[kind]


def red_and_black_lists(
    *, ranking: Ranking, period: str, kinds=tuple(RollupKind.values), size: int = LIST_SIZE
) -> dict[str, Lists]:
    """`red_and_black` of each kind (groups, stations), in one query.

    It reads only the rows at either end of each kind: ranked no lower than the row in place
    `size` (every row when there are fewer), or no higher than the row in place `size` from the
    bottom; with fewer than 2 * `size` rows the two ends meet and every row is read. Those
    places are found on the index of ranks, and only the few rows read are sorted by name, as
    ties are listed. Numbering the rows with a window instead sorted all 5,000 rollups of a city
    by name, several milliseconds of the database's time on every view of the board.
    """
    rollups = RankingRollup.objects.filter(ranking=ranking, period=period)

    def rank_in_place(kind: str, place: int, *, from_bottom: bool) -> Subquery:
        ordered = rollups.filter(kind=kind).order_by("-rank" if from_bottom else "rank")
        return Subquery(ordered.values("rank")[place - 1 : place])

    ends = Q()
    for kind in kinds:
        top = Coalesce(rank_in_place(kind, size, from_bottom=False), F("rank"))
        bottom = rank_in_place(kind, size, from_bottom=True)
        ends |= Q(kind=kind) & (Q(rank__lte=top) | Q(rank__gte=bottom))
    read: dict[str, list[RankingRollup]] = {kind: [] for kind in kinds}
    for rollup in rollups.filter(ends).order_by("kind", "rank", "name", "pk"):
        read[rollup.kind].append(rollup)
    found = {}
    for kind, rows in read.items():
        # The first `size` rows in order or more, and the last `size` or more: fewer than
        # 2 * size read is every row there is; more, and both lists are full.
        total = len(rows)
        red_size = min(size, (total + 1) // 2)
        black_size = min(size, total // 2)
        red = rows[:red_size]
        black = list(reversed(rows[total - black_size :])) if black_size else []
        found[kind] = Lists(kind=kind, red=red, black=black)
    return found


def rollup_list(*, ranking: Ranking, period: str, kind: str) -> QuerySet[RankingRollup]:
    return RankingRollup.objects.filter(ranking=ranking, period=period, kind=kind).order_by(
        "rank", "name"
    )


def filter_choices() -> dict:
    return {
        "groups": list(DeputyGroup.objects.order_by("name").values_list("pk", "name")),
        "stations": list(LiaisonStation.objects.order_by("name").values_list("pk", "name")),
    }


# A deputy's line in a ranking ----------------------------------------------------------------


@dataclass
class TraceCategory:
    code: str
    name: str
    record_count: int = 0
    raw_points: Decimal | None = None
    points: Decimal | None = None
    records: list[DutyRecord] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return (
            self.raw_points is not None
            and self.points is not None
            and self.points < self.raw_points
        )


@dataclass
class Trace:
    ranking: Ranking
    deputy: Deputy
    period: str
    entry: RankingEntry | None
    quarters: list[int]
    categories: list[TraceCategory]
    group_ranks: list[RankingGroupEntry]

    @property
    def record_count(self) -> int:
        return sum(len(category.records) for category in self.categories)


def period_quarters(ranking: Ranking, period: str) -> list[int]:
    return [ranking.quarter] if period == Period.QUARTER else list(range(1, ranking.quarter + 1))


def deputy_trace(*, ranking: Ranking, deputy: Deputy, period: str) -> Trace:
    """The deputy's entry, per category the raw points, the cap and the points that counted,
    and the counted records of the period's quarters behind them: four queries."""
    entry = (
        RankingEntry.objects.filter(ranking=ranking, period=period, deputy=deputy)
        .select_related("deputy")
        .first()
    )
    if entry is not None:
        _places_moved(entry)
    categories: dict[str, TraceCategory] = {}
    for score in category_scores(ranking=ranking, period=period, deputy=deputy):
        categories[score.category_code] = TraceCategory(
            code=score.category_code,
            name=score.category_name,
            record_count=score.period_records,
            raw_points=score.period_raw_points,
            points=score.period_points,
        )
    quarters = period_quarters(ranking, period)
    records = DutyRecord.objects.filter(
        deputy=deputy, year=ranking.year, quarter__in=quarters, status__in=COUNTED_STATUSES
    ).order_by("occurred_on", "pk")
    for record in records:
        category = categories.setdefault(
            record.category_code,
            TraceCategory(code=record.category_code, name=record.category_name),
        )
        category.records.append(record)
    positions = {
        code: index
        for index, code in enumerate(
            ranking.rule_set.items.order_by("position", "pk").values_list("code", flat=True)
        )
    }
    ordered = sorted(
        categories.values(), key=lambda c: (positions.get(c.code, len(positions)), c.code)
    )
    group_ranks = list(
        RankingGroupEntry.objects.filter(ranking=ranking, period=period, deputy=deputy)
        .select_related("group")
        .order_by("group__name")
    )
    return Trace(
        ranking=ranking,
        deputy=deputy,
        period=period,
        entry=entry,
        quarters=quarters,
        categories=ordered,
        group_ranks=group_ranks,
    )


# The duty portrait ----------------------------------------------------------------------------


def month_starts(today: date, count: int = 12) -> list[date]:
    """The first days of the last `count` months, the current one last."""
    months = []
    year, month = today.year, today.month
    for _index in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def monthly_activity(*, deputy: Deputy, today: date) -> list[tuple[date, int]]:
    """Records per month over the last twelve months (rejected ones left out): one query."""
    months = month_starts(today)
    counts = {
        (row["month"].year, row["month"].month): row["count"]
        for row in DutyRecord.objects.filter(
            deputy=deputy, occurred_on__gte=months[0], occurred_on__lte=today
        )
        .exclude(status=RecordStatus.REJECTED)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("month")
    }
    return [(month, counts.get((month.year, month.month), 0)) for month in months]


def category_medians(
    *, ranking: Ranking, codes: list[str], period: str = Period.YEAR
) -> dict[str, Decimal]:
    """The congress median of each category's points, deputies without a score counting zero.

    One query: a window numbers each category's scores from the lowest, and only the rows at
    the middle of the whole field (zeros included) come back.
    """
    field_size = RankingEntry.objects.filter(ranking=ranking, period=period).count()
    if field_size == 0:
        return {}
    low, high = (field_size + 1) // 2, field_size // 2 + 1
    points = RankingCategoryScore.fields_for(period)[3]
    rows = (
        RankingCategoryScore.objects.filter(RankingCategoryScore.in_period(period), ranking=ranking)
        .annotate(
            # A category's rows of a ranking are one per deputy: equal points in deputy order.
            position=Window(
                RowNumber(),
                partition_by=[F("category_code")],
                order_by=[F(points).asc(), F("deputy_id").asc()],
            ),
            present=Window(Count("deputy_id"), partition_by=[F("category_code")]),
        )
        .annotate(place=F("position") + Value(field_size) - F("present"))
        .values_list("category_code", "place", points)
    )
    middle: dict[str, dict[int, Decimal]] = {}
    for code, place, points in rows.filter(place__gte=low, place__lte=high):
        middle.setdefault(code, {})[place] = points
    medians = {}
    for code in codes:
        values = middle.get(code, {})
        # A place that came back is a score; one that did not lies among the zeros.
        pair = [values.get(low, Decimal(0)), values.get(high, Decimal(0))]
        if field_size % 2:
            medians[code] = pair[0]
        else:
            medians[code] = (pair[0] + pair[1]) / 2
    return medians


def deputy_category_points(*, ranking: Ranking, deputy: Deputy, period: str) -> dict[str, Decimal]:
    return dict(
        category_scores(ranking=ranking, period=period, deputy=deputy).values_list(
            "category_code", "period_points"
        )
    )


def deputy_quarter_history(*, deputy: Deputy, count: int = 8) -> list[RankingEntry]:
    """The deputy's quarterly totals and ranks from the last `count` snapshots, oldest first.

    Read through the congress's rankings, one lookup in the entries' unique index each (they
    have no index by deputy)."""
    entries = list(
        RankingEntry.objects.filter(
            ranking__congress=deputy.congress_id, period=Period.QUARTER, deputy=deputy
        )
        .select_related("ranking")
        .order_by("-ranking__year", "-ranking__quarter")[:count]
    )
    return list(reversed(entries))


def deputy_profile(*, deputy_id: int) -> QuerySet[Deputy]:
    return Deputy.objects.filter(pk=deputy_id).prefetch_related(
        Prefetch("deputy_groups", queryset=DeputyGroup.objects.order_by("name")),
        Prefetch("stations", queryset=LiaisonStation.objects.order_by("name")),
    )
