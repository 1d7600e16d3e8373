"""The quarterly leadership workbook: the quarter's (or the year's so far) work in six sheets.

Sheets: an overview of the headline numbers against the previous period with the trend as a
native Excel chart; the deputy ranking; the group and station rollups (the red and black
lists); warnings issued and talks held; suggestions by handling unit with the overdue list;
voter messages by station and by deputy. The overview prints `reports.headlines` as the
dashboard shows it, so the two agree.

The workbook is an official Chinese document (filed, printed, forwarded), so its sheet names
and headers are written in Chinese here, like the roster's file format.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.chart import LineChart, Reference

from congress.errors import DomainError
from deputies.models import DeputyLevel
from liaison.models import GroupMembership, StationDeputy
from liaison.models.messages import Satisfaction
from scoring.models import (
    DutyWarning,
    Period,
    Ranking,
    RankingEntry,
    RankingRollup,
    RollupKind,
    WarningLevel,
    WarningTalk,
)
from scoring.ranking_selectors import LIST_SIZE, category_scores, ranking_categories
from scoring.selectors import parse_quarter, quarter_bounds
from suggestions.models import HANDLING_STATUSES, HandlingUnit, Suggestion
from suggestions.stats_selectors import _figures, _metrics, lead_unit_expression

from .exporting import Column, Exporter, Sheet, register
from .headlines import (
    _received_suggestions,
    headline_trend,
    last_ended_quarter,
    message_metrics,
    period_bounds,
    previous_period,
    quarter_headlines,
    voter_messages,
    within_days,
)

LEVELS = dict(DeputyLevel.choices)
WARNING_LEVELS = dict(WarningLevel.choices)


@dataclass(frozen=True)
class Span:
    """The period a workbook covers: the quarter, or the year up to the quarter's end."""

    year: int
    quarter: int
    year_to_date: bool

    @property
    def start(self) -> date:
        return period_bounds(self.year, self.quarter, year_to_date=self.year_to_date)[0]

    @property
    def end(self) -> date:
        return period_bounds(self.year, self.quarter, year_to_date=self.year_to_date)[1]

    @property
    def label(self) -> str:
        if self.year_to_date:
            return f"{self.year}年1—{self.quarter * 3}月"
        return f"{self.year}年第{'一二三四'[self.quarter - 1]}季度"

    def within(self, field_name: str) -> Q:
        return within_days(field_name, self.start, self.end)


@register
class QuarterlyWorkbook(Exporter):
    identifier = "quarterly"
    name = "季度履职工作报表"
    permission = "reports.export_quarterly"
    # Filed with the quarter's papers: kept, not cleared after a week.
    keep_days = None
    unit = "张工作表"

    @classmethod
    def options_from_query(cls, query: QueryDict, membership) -> dict:
        return cls.options_for(
            query.get("quarter", ""), year_to_date=query.get("scope") == "year", today=None
        )

    @staticmethod
    def options_for(text: str, *, year_to_date: bool = False, today: date | None = None) -> dict:
        """Options for '2025Q3' (the last ended quarter when empty); a quarter not ended yet
        is refused, since its numbers would still change."""
        today = today or timezone.localdate()
        if text:
            parsed = parse_quarter(text)
            if parsed is None:
                raise DomainError(_("Write the quarter like 2025Q3."), field="quarter")
        else:
            parsed = last_ended_quarter(today)
        year, quarter = parsed
        if quarter_bounds(year, quarter)[1] >= today:
            raise DomainError(
                _("%(year)sQ%(quarter)s has not ended yet.") % {"year": year, "quarter": quarter},
                field="quarter",
            )
        return {"year": year, "quarter": quarter, "year_to_date": bool(year_to_date)}

    @property
    def span(self) -> Span:
        return Span(
            year=int(self.options["year"]),
            quarter=int(self.options["quarter"]),
            year_to_date=bool(self.options.get("year_to_date")),
        )

    def title(self) -> str:
        return f"{self.span.label}{self.name}"

    def file_name(self) -> str:
        return f"{self.congress.name}{self.title()}.xlsx"

    def describe(self) -> list[tuple[str, str]]:
        return [("报表期间", self.span.label)]

    def count(self) -> int:
        return 6

    def list_url(self) -> str:
        return reverse("dashboard:index", kwargs={"congress_slug": self.congress.slug})

    def sheets(self) -> Iterator[Sheet]:
        span = self.span
        ranking = Ranking.objects.filter(year=span.year, quarter=span.quarter).first()
        yield self.overview_sheet(span)
        yield self.ranking_sheet(span, ranking)
        yield self.rollup_sheet(span, ranking)
        yield self.warning_sheet(span)
        yield self.unit_sheet(span)
        yield self.overdue_sheet(span)
        yield self.message_station_sheet(span)
        yield self.message_deputy_sheet(span)

    # Overview ---------------------------------------------------------------------------------

    def overview_sheet(self, span: Span) -> Sheet:
        trend = headline_trend(congress=self.congress, year=span.year, quarter=span.quarter)
        before_year, before_quarter = previous_period(
            span.year, span.quarter, year_to_date=span.year_to_date
        )
        if span.year_to_date:
            now, before = (
                quarter_headlines(
                    congress=self.congress, year=year, quarter=span.quarter, year_to_date=True
                )
                for year in (span.year, before_year)
            )
        else:
            # The trend's last two quarters are this one and the one before (the same figures
            # quarter_headlines gives, from the queries the trend makes anyway).
            now, before = trend[-1], trend[-2]
        rows = []
        for label, kind, name in HEADLINE_ROWS:
            value, previous = _headline(now, name, kind), _headline(before, name, kind)
            change = None if value is None or previous is None else round(value - previous, 2)
            rows.append([label, value, previous, change, KIND_UNITS[kind]])
        # The trend table starts two rows below the headline rows (one blank row between).
        trend_offset = len(HEADLINE_ROWS) + 2
        rows.append([])
        rows.append(
            ["季度", "人均履职次数", "履职代表占比(%)", "建议按时答复率(%)", "留言按期回复率(%)"]
        )
        for item in trend:
            rows.append(
                [
                    f"{item.year}Q{item.quarter}",
                    _headline(item, "duties_per_deputy", "average"),
                    _headline(item, "active_share", "rate"),
                    _headline(item, "on_time_rate", "rate"),
                    _headline(item, "messages_in_time_rate", "rate"),
                ]
            )
        previous_label = Span(before_year, before_quarter, span.year_to_date).label

        def chart(worksheet, header_row: int, last_row: int) -> None:
            first = header_row + trend_offset
            last = first + len(trend)
            if not trend:
                return
            line = LineChart()
            line.title = "近期季度趋势"
            line.y_axis.title = "%"
            line.height, line.width = 8, 18
            data = Reference(worksheet, min_col=3, max_col=5, min_row=first, max_row=last)
            line.add_data(data, titles_from_data=True)
            line.set_categories(Reference(worksheet, min_col=1, min_row=first + 1, max_row=last))
            worksheet.add_chart(line, f"G{header_row}")

        return Sheet(
            name="概览",
            title=self.heading(f"{span.label}代表履职工作概览"),
            subtitle=f"对比期间：{previous_label}；生成时间：{timezone.localtime():%Y-%m-%d %H:%M}",
            columns=[
                Column("指标", 26),
                Column("本期", 16),
                Column("上期", 16),
                Column("变化", 16),
                Column("单位", 18),
            ],
            rows=rows,
            notes=OVERVIEW_NOTES,
            after=chart,
        )

    # Ranking ----------------------------------------------------------------------------------

    def ranking_sheet(self, span: Span, ranking: Ranking | None) -> Sheet:
        period = Period.YEAR if span.year_to_date else Period.QUARTER
        categories = ranking_categories(ranking=ranking, period=period) if ranking else []
        columns = [
            # Ranks, points and counts read right as Excel's General shows them (30, 12.5):
            # a format on every cell of 10,000 rows would cost a styled cell each.
            Column("名次", 7),
            Column("姓名", 10),
            Column("代表层级", 14),
            Column("代表小组", 24),
            Column("联络站", 22),
            *[Column(category.name, 10) for category in categories],
            Column("总分", 9),
            Column("履职次数", 9),
            Column("名次变化", 9, "signed"),
        ]
        return Sheet(
            name="代表排名",
            title=self.heading(f"{span.label}代表履职积分排名"),
            subtitle=(
                f"{ranking.label}排名快照，"
                f"计算于{timezone.localtime(ranking.computed_at):%Y-%m-%d %H:%M}；"
                "名次变化为正表示上升"
                if ranking
                else "本期尚未生成排名快照"
            ),
            columns=columns,
            rows=self._ranking_rows(ranking, period, categories) if ranking else [],
            total=ranking.deputy_count if ranking else 0,
        )

    def _ranking_rows(self, ranking: Ranking, period: str, categories) -> Iterator[list]:
        # Four flat reads for the whole sheet, however many deputies: the points per category,
        # the groups and stations by deputy, then the entries in rank order.
        points: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for deputy_id, code, value in category_scores(ranking=ranking, period=period).values_list(
            "deputy_id", "category_code", "period_points"
        ):
            points[deputy_id][code] = value
        groups = _names_by_deputy(
            GroupMembership.objects.order_by("group__name").values_list("deputy_id", "group__name")
        )
        stations = _names_by_deputy(
            StationDeputy.objects.order_by("station__name").values_list(
                "deputy_id", "station__name"
            )
        )
        codes = [category.code for category in categories]
        entries = (
            RankingEntry.objects.filter(ranking=ranking, period=period)
            .order_by("rank", "deputy__name", "deputy_id")
            .values_list(
                "rank",
                "deputy_id",
                "deputy__name",
                "deputy__level",
                "points",
                "record_count",
                "previous_rank",
            )
        )
        for rank, deputy_id, name, level, total, count, previous_rank in entries.iterator(
            chunk_size=2000
        ):
            own = points.get(deputy_id, {})
            yield [
                rank,
                name,
                LEVELS.get(level, level),
                groups.get(deputy_id, ""),
                stations.get(deputy_id, ""),
                *[own.get(code, Decimal(0)) for code in codes],
                total,
                count,
                None if previous_rank is None else previous_rank - rank,
            ]

    # Rollups ----------------------------------------------------------------------------------

    def rollup_sheet(self, span: Span, ranking: Ranking | None) -> Sheet:
        period = Period.YEAR if span.year_to_date else Period.QUARTER
        kinds = dict(RollupKind.choices)

        def rows():
            if ranking is None:
                return
            # A few hundred groups and a few thousand stations at most: read at once.
            rollups = list(
                RankingRollup.objects.filter(ranking=ranking, period=period)
                .order_by("kind", "rank", "name")
                .values_list(
                    "kind", "rank", "name", "deputy_count", "points_total", "points_average"
                )
            )
            sizes = Counter(rollup[0] for rollup in rollups)
            for kind, rank, name, deputies, total, average in rollups:
                size = sizes[kind]
                # As the board shows them: the best five are the red list, the worst five the
                # black list, never overlapping.
                red, black = min(LIST_SIZE, (size + 1) // 2), min(LIST_SIZE, size // 2)
                mark = "红榜" if rank <= red else ("黑榜" if rank > size - black else "")
                yield [kinds.get(kind, kind), rank, name, deputies, total, average, mark]

        return Sheet(
            name="小组与站点",
            title=self.heading(f"{span.label}代表小组、联络站积分（黑红榜）"),
            columns=[
                Column("类别", 10),
                Column("名次", 7, "int"),
                Column("名称", 28),
                Column("代表数", 8, "int"),
                Column("总积分", 10, "points"),
                Column("平均积分", 10, "points"),
                Column("黑红榜", 8),
            ],
            rows=rows(),
        )

    # Warnings ---------------------------------------------------------------------------------

    def warning_sheet(self, span: Span) -> Sheet:
        quarters = range(1, span.quarter + 1) if span.year_to_date else [span.quarter]

        def rows():
            latest_talk = WarningTalk.objects.filter(warning=OuterRef("pk")).order_by(
                "-held_on", "-pk"
            )
            warnings = (
                DutyWarning.objects.filter(
                    raised_by__year=span.year, raised_by__quarter__in=list(quarters)
                )
                .annotate(
                    talk_count=Count("talks", distinct=True),
                    last_talk=Max("talks__held_on"),
                    last_outcome=Subquery(latest_talk.values("outcome")[:1]),
                )
                .order_by("raised_by__quarter", "deputy__name", "pk")
                # The columns the sheet prints, not whole deputies and rankings per warning.
                .values_list(
                    "raised_by__year",
                    "raised_by__quarter",
                    "deputy__name",
                    "deputy__level",
                    "level",
                    "reason",
                    "status",
                    "cleared_by__year",
                    "cleared_by__quarter",
                    "talk_count",
                    "last_talk",
                    "last_outcome",
                )
            )
            outcomes = dict(WarningTalk._meta.get_field("outcome").choices)
            statuses = dict(DutyWarning._meta.get_field("status").choices)
            for (
                year,
                quarter,
                name,
                deputy_level,
                level,
                reason,
                status,
                cleared_year,
                cleared_quarter,
                talk_count,
                last_talk,
                last_outcome,
            ) in warnings:
                yield [
                    f"{year}Q{quarter}",
                    name,
                    LEVELS.get(deputy_level, deputy_level),
                    WARNING_LEVELS.get(level, level),
                    reason,
                    statuses.get(status, status),
                    f"{cleared_year}Q{cleared_quarter}" if cleared_year else "",
                    talk_count,
                    last_talk,
                    outcomes.get(last_outcome, "") if last_outcome else "",
                ]

        talks = WarningTalk.objects.filter(held_on__range=(span.start, span.end)).count()
        return Sheet(
            name="预警与约谈",
            title=self.heading(f"{span.label}履职预警与约谈"),
            subtitle=f"本期约谈 {talks} 人次（约谈日期在本期内）",
            columns=[
                Column("预警季度", 10),
                Column("姓名", 10),
                Column("代表层级", 14),
                Column("预警等级", 9),
                Column("原因", 40),
                Column("状态", 9),
                Column("解除于", 9),
                Column("约谈次数", 9, "int"),
                Column("最近约谈", 12, "date"),
                Column("约谈结果", 14),
            ],
            rows=rows(),
        )

    # Suggestions ------------------------------------------------------------------------------

    def _suggestions(self, span: Span):
        return _received_suggestions().filter(span.within("submitted_at"))

    def unit_sheet(self, span: Span) -> Sheet:
        today = timezone.localdate()
        metrics = _metrics(solved_class=self.congress.solved_reply_class, today=today)
        rows_by_unit = list(
            self._suggestions(span)
            .annotate(lead_unit=lead_unit_expression())
            .filter(lead_unit__isnull=False)
            .values("lead_unit")
            .annotate(**metrics)
            .order_by("lead_unit")
        )
        names = dict(
            HandlingUnit.objects.filter(
                pk__in=[row["lead_unit"] for row in rows_by_unit]
            ).values_list("pk", "name")
        )
        figures = sorted(
            (_figures(row, label=names.get(row["lead_unit"], "")) for row in rows_by_unit),
            key=lambda item: (-item.received, item.label),
        )
        total = _figures(self._suggestions(span).aggregate(**metrics))

        def line(item) -> list:
            return [
                item.received,
                item.replied,
                item.on_time,
                item.late,
                item.overdue_open,
                item.solved_class,
                item.solved_rate,
                item.final_satisfaction_rate,
            ]

        return Sheet(
            name="建议办理",
            title=self.heading(f"{span.label}代表建议按承办单位办理情况"),
            subtitle=f"统计本期提交的建议（主办单位）；逾期按 {today:%Y-%m-%d} 计",
            columns=[
                Column("承办单位", 28),
                Column("收到", 8, "int"),
                Column("已答复", 8, "int"),
                Column("按时答复", 9, "int"),
                Column("逾期", 8, "int"),
                Column("逾期未办结", 10, "int"),
                Column("A类", 8, "int"),
                Column("A类率", 9, "percent"),
                Column("满意率", 9, "percent"),
            ],
            rows=([item.label, *line(item)] for item in figures),
            totals=["合计", *line(total)],
            notes=[
                "按时答复：首次答复不晚于首次答复期限且当前未逾期；逾期＝逾期答复＋办理中已过期限。",
                "A类率＝最近一次答复为A类的建议／已答复建议；满意率＝办结建议中满意和基本满意的比例。",
            ],
        )

    def overdue_sheet(self, span: Span) -> Sheet:
        today = timezone.localdate()

        def rows():
            overdue = (
                Suggestion.objects.filter(status__in=HANDLING_STATUSES, due_on__lt=today)
                .annotate(lead_unit=lead_unit_expression())
                .order_by("due_on", "pk")
                # The columns the sheet prints, not whole suggestions with their texts.
                .values_list(
                    "series",
                    "number",
                    "title",
                    "lead_deputy__name",
                    "lead_unit",
                    "due_on",
                    "status",
                )
            )
            names = dict(HandlingUnit.objects.values_list("pk", "name"))
            statuses = dict(Suggestion._meta.get_field("status").choices)
            for series, number, title, deputy, unit, due_on, status in overdue:
                yield [
                    f"{series}{number}" if number else "",
                    title,
                    deputy or "",
                    names.get(unit, ""),
                    due_on,
                    (today - due_on).days,
                    statuses.get(status, status),
                ]

        return Sheet(
            name="逾期建议",
            title=self.heading(f"逾期未办结建议清单（截至{today:%Y年%m月%d日}）"),
            columns=[
                Column("编号", 12),
                Column("标题", 40),
                Column("领衔代表", 10),
                Column("主办单位", 24),
                Column("答复期限", 12, "date"),
                Column("逾期天数", 9, "int"),
                Column("状态", 10),
            ],
            rows=rows(),
        )

    # Voter messages ---------------------------------------------------------------------------

    def _message_rows(self, span: Span, key: str, name: str) -> tuple[list[list], list]:
        today = timezone.localdate()
        # The dashboard's definitions (reports.headlines), so the totals are its figures.
        metrics = {
            **message_metrics(today=today),
            "overdue_open": Count("pk", filter=Q(answered_at__isnull=True, due_on__lt=today)),
            "rated": Count("pk", filter=~Q(satisfaction="")),
            "satisfied": Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        }
        messages = voter_messages().filter(span.within("created_at"))
        grouped = (
            messages.filter(**{f"{key}__isnull": False})
            .values(key, name)
            .annotate(**metrics)
            .order_by("-messages_received", name)
        )
        rows = [[row[name], *_message_line(row)] for row in grouped]
        total = ["合计", *_message_line(messages.aggregate(**metrics))]
        return rows, total

    def message_station_sheet(self, span: Span) -> Sheet:
        rows, total = self._message_rows(span, "station", "station__name")
        return self._message_sheet(span, "留言（按联络站）", "联络站", rows, total, "按联络站")

    def message_deputy_sheet(self, span: Span) -> Sheet:
        rows, total = self._message_rows(span, "deputy", "deputy__name")
        return self._message_sheet(span, "留言（按代表）", "代表", rows, total, "按代表")

    def _message_sheet(self, span, name, key_header, rows, total, by) -> Sheet:
        return Sheet(
            name=name,
            title=self.heading(f"{span.label}选民留言办理情况（{by}）"),
            subtitle=(
                "统计本期收到的留言；按期回复＝在回复期限当日或之前回复；"
                "逾期＝逾期回复＋未回复且已过期限；按期回复率＝按期／（按期＋逾期）"
            ),
            columns=[
                Column(key_header, 24),
                Column("收到", 8, "int"),
                Column("已回复", 8, "int"),
                Column("按期回复", 9, "int"),
                Column("逾期", 8, "int"),
                Column("按期回复率", 10, "percent"),
                Column("逾期未回复", 10, "int"),
                Column("评价数", 8, "int"),
                Column("满意率", 9, "percent"),
            ],
            rows=rows,
            totals=total,
        )


def _message_line(row: dict) -> list:
    return [
        row["messages_received"],
        row["messages_answered"],
        row["messages_in_time"],
        row["messages_late"],
        _rate(row["messages_in_time"], row["messages_in_time"] + row["messages_late"]),
        row["overdue_open"],
        row["rated"],
        _rate(row["satisfied"], row["rated"]),
    ]


def _rate(numerator: int, denominator: int) -> float | None:
    return None if not denominator else numerator / denominator


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _names_by_deputy(pairs) -> dict[int, str]:
    names: dict[int, list[str]] = defaultdict(list)
    for deputy_id, name in pairs.iterator(chunk_size=5000):
        names[deputy_id].append(name)
    return {deputy_id: "、".join(found) for deputy_id, found in names.items()}


# The overview's rows: label, kind of number, the Headlines attribute (reports.headlines
# defines each figure). Rates are shown in percent, with their change in percentage points.
HEADLINE_ROWS: list[tuple[str, str, str]] = [
    ("代表人数", "count", "deputies"),
    ("履职记录", "count", "duties"),
    ("人均履职次数", "average", "duties_per_deputy"),
    ("有履职记录的代表", "count", "active_deputies"),
    ("履职代表占比", "rate", "active_share"),
    ("收到代表建议", "count", "suggestions_received"),
    ("按时答复建议", "count", "suggestions_on_time"),
    ("逾期建议", "count", "suggestions_late"),
    ("建议按时答复率", "rate", "on_time_rate"),
    ("A类（解决采纳）率", "rate", "solved_rate"),
    ("代表满意率", "rate", "satisfaction_rate"),
    ("收到选民留言", "count", "messages_received"),
    ("已回复留言", "count", "messages_answered"),
    ("按期回复留言", "count", "messages_in_time"),
    ("留言按期回复率", "rate", "messages_in_time_rate"),
    ("发出履职预警", "count", "warnings"),
    ("其中：红色预警", "count", "level:red"),
    ("其中：橙色预警", "count", "level:orange"),
    ("其中：黄色预警", "count", "level:yellow"),
    ("约谈", "count", "warning_talks"),
]
KIND_UNITS = {"count": "", "rate": "%（变化为百分点）", "average": "次/人"}
OVERVIEW_NOTES = [
    "代表人数取本季度排名快照的代表数（未排名时取在任代表数）；履职记录为审核通过或确认的履职活动。",
    "建议与留言统计本期提交或收到的件数；按时答复率＝按时／（按时＋逾期），逾期含已过期限仍未办结的。",
    "预警为本期排名触发的预警；约谈为约谈日期在本期内的次数。各项定义与领导驾驶舱一致。",
]


def _headline(headlines, name: str, kind: str):
    """One figure of a Headlines as the sheet prints it: rates in percent, one decimal."""
    if name.startswith("level:"):
        return headlines.warnings_by_level.get(name.split(":", 1)[1], 0)
    value = getattr(headlines, name)
    if value is None:
        return None
    if kind == "rate":
        return round(value * 100, 1)
    if kind == "average":
        return round(value, 2)
    return value
