"""Exports of the scoring app: the staff's duty record list and the ranking board, each as its
page's filters show it. (The quarterly leadership workbook is reports.quarterly.)"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from congress.errors import DomainError
from congress.models import Membership
from deputies.models import DeputyLevel
from liaison.models import DeputyGroup, LiaisonStation
from reports.exporting import Column, Exporter, Sheet, register
from reports.listing import chunks, name_of, scoped_id, subtitle, titled

from . import ranking_selectors, review_selectors
from .models import Period, Ranking
from .ranking_selectors import category_scores

# Record list ---------------------------------------------------------------------------------

RECORD_COLUMNS = [
    Column("代表", 12),
    Column("履职类别", 14),
    Column("履职日期", 12, "date"),
    Column("履职内容", 50),
    Column("积分", 8, "points"),
    Column("照片数", 8, "int"),
    Column("来源", 10),
    Column("状态", 10),
    Column("提交时间", 17, "datetime"),
    Column("审核人", 12),
    Column("审核时间", 17, "datetime"),
    Column("退回原因", 30),
]
TABS = ("queue", "reviewed")


@register
class DutyRecordListExporter(Exporter):
    """The audit page's records (awaiting audit, or audited in the last 30 days) with its
    filters."""

    identifier = "duty-records"
    name = "履职记录"
    permission = "scoring.export_records"
    unit = gettext_lazy("records")

    @classmethod
    def options_from_query(cls, query: QueryDict, membership: Membership) -> dict:
        from .review_forms import ReviewFilterForm

        form = ReviewFilterForm(
            query,
            categories=review_selectors.queue_categories(membership=membership),
            stations=review_selectors.station_choices(membership=membership),
        )
        filters = form.filters()
        from liaison.selectors import station_visible

        tab = query.get("tab", "queue")
        return {
            "tab": tab if tab in TABS else "queue",
            "year": filters.year,
            "quarter": filters.quarter,
            "category": filters.category,
            # Through the member's stations: another congress's id is refused.
            "station_id": scoped_id(
                query, "station", station_visible(membership=membership), _("station")
            ),
            "search": filters.search,
        }

    @property
    def filters(self) -> review_selectors.ReviewFilters:
        options = {key: value for key, value in self.options.items() if key != "tab"}
        return review_selectors.ReviewFilters(**options)

    @property
    def tab(self) -> str:
        return self.options.get("tab", "queue")

    def describe(self) -> list[tuple[str, str]]:
        filters = self.filters
        described = [
            (
                _("Records"),
                _("Awaiting audit") if self.tab == "queue" else _("Audited in the last 30 days"),
            )
        ]
        if filters.year and filters.quarter:
            described.append((_("Quarter"), f"{filters.year}Q{filters.quarter}"))
        if filters.category:
            described.append((_("Category"), filters.category))
        if filters.station_id:
            described.append((_("Station"), name_of(LiaisonStation, filters.station_id)))
        if filters.search:
            described.append((_("Deputy"), filters.search))
        return described

    def title(self) -> str:
        return titled(self.name, self.describe())

    def list_url(self) -> str:
        url = reverse("duty_review:queue", kwargs={"congress_slug": self.congress.slug})
        return f"{url}?tab=reviewed" if self.tab == "reviewed" else url

    def queryset(self):
        if self.tab == "reviewed":
            queryset = review_selectors.recently_reviewed(
                membership=self.membership, filters=self.filters
            )
        else:
            queryset = review_selectors.review_queue(
                membership=self.membership, filters=self.filters
            )
        return queryset.select_related("reviewed_by")

    def count(self) -> int:
        return self.queryset().count()

    def sheets(self) -> Iterator[Sheet]:
        queryset = self.queryset()

        def rows() -> Iterator[list]:
            for record in queryset.iterator(chunk_size=2000):
                yield [
                    record.deputy.name,
                    record.category_name,
                    record.occurred_on,
                    record.description,
                    record.points,
                    len(record.photos.all()),
                    record.get_origin_display(),
                    record.get_status_display(),
                    record.created_at,
                    str(record.reviewed_by) if record.reviewed_by else "",
                    record.reviewed_at,
                    record.reject_reason,
                ]

        yield Sheet(
            name=self.name,
            title=self.heading(self.name),
            subtitle=subtitle(
                [*self.describe(), (_("Exported on"), f"{timezone.localdate():%Y-%m-%d}")]
            ),
            columns=RECORD_COLUMNS,
            rows=rows(),
            total=queryset.count(),
        )


# Ranking board -------------------------------------------------------------------------------


@register
class RankingBoardExporter(Exporter):
    """The ranking board of one published quarter (the quarter or the year so far) with the
    board's filters: rank, deputy, groups, stations, points per category, total and change."""

    identifier = "rankings"
    name = "履职积分排名"
    permission = "scoring.export_rankings"
    unit = gettext_lazy("deputies")

    @classmethod
    def options_from_query(cls, query: QueryDict, membership: Membership) -> dict:
        from .ranking_forms import BoardFilterForm

        ranking = ranking_selectors.ranking_chosen(query.get("quarter"))
        if ranking is None:
            raise DomainError(_("There is no ranking to export yet."), code="not_found")
        form = BoardFilterForm(query, choices=ranking_selectors.filter_choices())
        filters = form.filters()
        return {
            "ranking_id": ranking.pk,
            "period": filters.period,
            "group_id": scoped_id(query, "group", DeputyGroup.objects.all(), _("group")),
            "station_id": scoped_id(query, "station", LiaisonStation.objects.all(), _("station")),
            "level": filters.level,
            "q": filters.q,
        }

    @property
    def filters(self) -> ranking_selectors.EntryFilters:
        options = {key: value for key, value in self.options.items() if key != "ranking_id"}
        return ranking_selectors.EntryFilters(**options)

    def ranking(self) -> Ranking:
        if not hasattr(self, "_ranking"):
            # Through the scope: an id of another congress is not found.
            self._ranking = Ranking.objects.select_related("rule_set").get(
                pk=self.options["ranking_id"]
            )
        return self._ranking

    def describe(self) -> list[tuple[str, str]]:
        ranking = self.ranking()
        filters = self.filters
        described = [
            (_("Quarter"), f"{ranking.year}Q{ranking.quarter}"),
            (_("Ranking period"), str(Period(filters.period).label)),
        ]
        if filters.group_id:
            described.append((_("Group"), name_of(DeputyGroup, filters.group_id)))
        if filters.station_id:
            described.append((_("Station"), name_of(LiaisonStation, filters.station_id)))
        if filters.level:
            described.append((_("Level"), str(DeputyLevel(filters.level).label)))
        if filters.q:
            described.append((_("Search"), filters.q))
        return described

    def title(self) -> str:
        return titled(self.name, self.describe())

    def list_url(self) -> str:
        url = reverse("duty_rankings:board", kwargs={"congress_slug": self.congress.slug})
        ranking = self.ranking()
        return f"{url}?quarter={ranking.year}Q{ranking.quarter}&period={self.filters.period}"

    def queryset(self):
        return ranking_selectors.ranking_entries(
            ranking=self.ranking(), filters=self.filters
        ).order_by("rank", "deputy_id")

    def count(self) -> int:
        return self.queryset().count()

    def sheets(self) -> Iterator[Sheet]:
        ranking = self.ranking()
        period = self.filters.period
        categories = ranking_selectors.ranking_categories(ranking=ranking, period=period)
        queryset = self.queryset()
        columns = [
            Column("名次", 7, "int"),
            Column("姓名", 12),
            Column("代表层级", 14),
            Column("代表小组", 24),
            Column("联络站", 22),
            *[Column(category.name, 10, "points") for category in categories],
            Column("总积分", 10, "points"),
            Column("名次变化", 10, "signed"),
            Column("积分变化", 10, "points"),
        ]

        def rows() -> Iterator[list]:
            # The category points of a batch of entries in one query.
            for batch in chunks(queryset.iterator(chunk_size=2000)):
                scores: dict[int, dict[str, object]] = {}
                for deputy_id, code, points in category_scores(
                    ranking=ranking, period=period, deputy_id__in=[e.deputy_id for e in batch]
                ).values_list("deputy_id", "category_code", "period_points"):
                    scores.setdefault(deputy_id, {})[code] = points
                for entry in batch:
                    deputy = entry.deputy
                    own = scores.get(entry.deputy_id, {})
                    yield [
                        entry.rank,
                        deputy.name,
                        deputy.get_level_display(),
                        "、".join(group.name for group in deputy.deputy_groups.all()),
                        "、".join(station.name for station in deputy.stations.all()),
                        *[own.get(category.code) for category in categories],
                        entry.points,
                        entry.rank_change,
                        entry.points_change,
                    ]

        yield Sheet(
            name=f"{ranking.year}Q{ranking.quarter}",
            title=self.heading(f"{ranking.year}年第{ranking.quarter}季度{self.name}"),
            subtitle=subtitle(self.describe()),
            columns=columns,
            rows=rows(),
            total=queryset.count(),
            notes=[
                "名次变化：与上季度相比上升（+）或下降（-）的名次；积分变化：与上季度积分之差。",
            ],
        )
