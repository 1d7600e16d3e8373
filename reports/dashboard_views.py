"""The leadership dashboard: a quarter's (or the year to date's) headline numbers against the
period before, with trend, ranking, handling-unit and station charts drawn as SVG."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from congress.access import permission_required
from congress.permissions import membership_can
from reports import charts
from reports.dashboard_selectors import messages_by_station, points_histogram, ranking_of
from reports.headlines import (
    Headlines,
    headline_trend,
    last_ended_quarter,
    previous_period,
    quarter_headlines,
)
from scoring.selectors import parse_quarter
from suggestions.stats_selectors import StatisticsFilter, statistics

# How many quarters the chooser offers, and how many the trend charts show.
CHOICES = 12
TREND = 8
TOP = 10


@dataclass
class Card:
    key: str
    label: str
    value: str
    previous: str
    difference: str
    # "up", "down" or "same"; good says whether the change is welcome (colours it).
    direction: str
    good: bool | None
    url: str = ""
    note: str = ""


def _half_up(value: float, places: str) -> Decimal:
    # Half up, as people round (0.625 reads 0.63), not the float's half-even.
    return Decimal(repr(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{_half_up(rate * 100, '0.1')}%"


def _decimal(value: float | None) -> str:
    return "—" if value is None else str(_half_up(value, "0.01"))


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def _card(
    key: str,
    label: str,
    now: Headlines,
    before: Headlines,
    *,
    kind: str,
    higher_is_better: bool | None = True,
    url: str = "",
    note: str = "",
) -> Card:
    value, old = getattr(now, key), getattr(before, key)
    show = {"percent": _percent, "decimal": _decimal, "count": _count}[kind]
    if value is None or old is None:
        difference, direction = "", "same"
    else:
        change = value - old
        direction = "up" if change > 1e-9 else "down" if change < -1e-9 else "same"
        if kind == "percent":
            difference = f"{abs(change) * 100:.1f} " + _("pts")
        elif kind == "decimal":
            difference = f"{abs(change):.2f}"
        else:
            difference = str(abs(change))
    good = None
    if direction != "same" and higher_is_better is not None:
        good = (direction == "up") == higher_is_better
    return Card(
        key=key,
        label=label,
        value=show(value),
        previous=show(old),
        difference=difference,
        direction=direction,
        good=good,
        url=url,
        note=note,
    )


def _url(name: str, slug: str, **query) -> str:
    base = reverse(name, kwargs={"congress_slug": slug})
    query = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


def _chosen(request: HttpRequest) -> tuple[int, int, bool, list[tuple[str, str]]]:
    """The quarter (default: the last ended one) and the period; a bad value is ignored."""
    today = timezone.localdate()
    current = (today.year, (today.month - 1) // 3 + 1)
    offered = [current]
    for _index in range(CHOICES - 1):
        offered.append(previous_period(*offered[-1]))
    choices = [(f"{y}Q{q}", f"{y}Q{q}") for y, q in offered]
    parsed = parse_quarter(request.GET.get("quarter") or "")
    year, quarter = parsed if parsed in offered else last_ended_quarter(today)
    return year, quarter, request.GET.get("period") == "ytd", choices


@permission_required("reports.view_dashboard")
@require_safe
def index(request: HttpRequest, congress_slug: str) -> HttpResponse:
    congress, membership = request.congress, request.membership
    today = timezone.localdate()
    year, quarter, year_to_date, choices = _chosen(request)
    code = f"{year}Q{quarter}"
    now = quarter_headlines(
        congress=congress, year=year, quarter=quarter, year_to_date=year_to_date, today=today
    )
    before_year, before_quarter = previous_period(year, quarter, year_to_date=year_to_date)
    before = quarter_headlines(
        congress=congress,
        year=before_year,
        quarter=before_quarter,
        year_to_date=year_to_date,
        today=today,
    )
    can = {
        "suggestions": membership_can(membership, "suggestions.browse_suggestions"),
        "rankings": membership_can(membership, "scoring.view_rankings"),
        "warnings": membership_can(membership, "scoring.view_warnings"),
        "messages": membership_can(membership, "liaison.view_messages"),
    }
    period = "year" if year_to_date else "quarter"
    links = {
        "suggestions": _url("suggestions:list", congress_slug, year=year)
        if can["suggestions"]
        else "",
        "overdue": _url("suggestions:list", congress_slug, overdue=1) if can["suggestions"] else "",
        "ranking": _url("duty_rankings:board", congress_slug, quarter=code, period=period)
        if can["rankings"]
        else "",
        "warnings": _url("duty_warnings:list", congress_slug, quarter=code)
        if can["warnings"]
        else "",
        "messages": _url("messages:list", congress_slug) if can["messages"] else "",
        # The same figures as a workbook to file and forward (an ended quarter only).
        "workbook": reverse(
            "reports:export", kwargs={"congress_slug": congress_slug, "identifier": "quarterly"}
        )
        + "?"
        + urlencode({"quarter": code, **({"scope": "year"} if year_to_date else {})})
        if membership_can(membership, "reports.export_quarterly")
        else "",
    }
    levels = now.warnings_by_level
    cards = [
        _card("deputies", _("Deputies"), now, before, kind="count", higher_is_better=None),
        _card(
            "duties_per_deputy",
            _("Duties per deputy"),
            now,
            before,
            kind="decimal",
            url=links["ranking"],
            note=_("%(duties)s duties") % {"duties": now.duties},
        ),
        _card(
            "active_share",
            _("Deputies with a duty"),
            now,
            before,
            kind="percent",
            note=_("%(active)s deputies") % {"active": now.active_deputies},
        ),
        _card(
            "suggestions_received",
            _("Suggestions received"),
            now,
            before,
            kind="count",
            higher_is_better=None,
            url=links["suggestions"],
        ),
        _card(
            "on_time_rate",
            _("Suggestions replied on time"),
            now,
            before,
            kind="percent",
            url=links["overdue"],
            note=_("%(late)s late") % {"late": now.suggestions_late},
        ),
        _card("solved_rate", _("Solved (A-class)"), now, before, kind="percent"),
        _card("satisfaction_rate", _("Deputies satisfied"), now, before, kind="percent"),
        _card(
            "messages_received",
            _("Voter messages"),
            now,
            before,
            kind="count",
            higher_is_better=None,
            url=links["messages"],
            note=_("%(answered)s answered") % {"answered": now.messages_answered},
        ),
        _card("messages_in_time_rate", _("Messages answered in time"), now, before, kind="percent"),
        _card(
            "warnings",
            _("Warnings issued"),
            now,
            before,
            kind="count",
            higher_is_better=False,
            url=links["warnings"],
            note=_("yellow %(yellow)s · orange %(orange)s · red %(red)s")
            % {key: levels.get(key, 0) for key in ("yellow", "orange", "red")},
        ),
        _card(
            "warning_talks",
            _("Warning talks held"),
            now,
            before,
            kind="count",
            higher_is_better=None,
        ),
    ]

    trend = headline_trend(congress=congress, year=year, quarter=quarter, count=TREND, today=today)

    def trend_chart(chart_id, title, key, *, percent):
        points = [
            charts.Bar(
                label=f"{item.year % 100:02d}Q{item.quarter}",
                value=None if getattr(item, key) is None else getattr(item, key),
                text=_percent(getattr(item, key)) if percent else _decimal(getattr(item, key)),
            )
            for item in trend
        ]
        if percent:
            for point in points:
                if point.value is not None:
                    point.value = point.value * 100
                    point.text = f"{point.value:.0f}%"
        return {
            "title": title,
            "svg": charts.line_chart(
                chart_id=chart_id,
                title=title,
                desc=_("%(first)s to %(last)s, one point per quarter; a gap means no data.")
                % {"first": trend[0].label, "last": trend[-1].label},
                points=points,
                maximum=100 if percent else None,
            ),
        }

    trend_charts = [
        trend_chart("trend-duties", _("Duties per deputy"), "duties_per_deputy", percent=False),
        trend_chart("trend-active", _("Deputies with a duty"), "active_share", percent=True),
        trend_chart(
            "trend-on-time", _("Suggestions replied on time"), "on_time_rate", percent=True
        ),
        trend_chart(
            "trend-messages", _("Messages answered in time"), "messages_in_time_rate", percent=True
        ),
    ]

    ranking = ranking_of(year=year, quarter=quarter)
    histogram = None
    if ranking is not None:
        buckets = points_histogram(ranking=ranking)
        if buckets:
            histogram = charts.column_chart(
                chart_id="ranking-histogram",
                title=_("Points of the deputies in %(quarter)s") % {"quarter": code},
                desc=_("How many deputies scored within each band of points.")
                + " "
                + "; ".join(f"{b.low:g}–{b.high:g}: {b.deputies}" for b in buckets),
                bars=[
                    charts.Bar(label=f"{bucket.low:g}–{bucket.high:g}", value=bucket.deputies)
                    for bucket in buckets
                ],
            )

    stats = statistics(congress=congress, filters=StatisticsFilter(year=year), today=today)
    unit_rows = stats.by_unit[:TOP]
    unit_chart = None
    if unit_rows:
        unit_chart = charts.stacked_bar_chart(
            chart_id="units",
            title=_("Suggestions of %(year)s by lead unit") % {"year": year},
            desc=_("The ten units with the most suggestions: replied on time, late, and the rest."),
            series=[
                (_("on time"), "seg-good"),
                (_("late"), "seg-bad"),
                (_("not replied or not yet due"), "seg-wait"),
            ],
            rows=[
                charts.StackedRow(
                    label=row.label,
                    values=[row.on_time, row.late, max(row.received - row.on_time - row.late, 0)],
                    url=_url("suggestions:list", congress_slug, year=year, unit=row.key_value)
                    if can["suggestions"]
                    else "",
                )
                for row in unit_rows
            ],
        )

    stations = messages_by_station(start=now.start, end=now.end, today=today, limit=TOP)
    station_chart = None
    if stations:
        station_chart = charts.stacked_bar_chart(
            chart_id="stations",
            title=_("Voter messages by liaison station, %(period)s") % {"period": now.label},
            desc=_("The ten stations that received the most messages: in time, late, not yet due."),
            series=[
                (_("in time"), "seg-good"),
                (_("late"), "seg-bad"),
                (_("not yet due"), "seg-wait"),
            ],
            rows=[
                charts.StackedRow(
                    label=row.name,
                    values=[row.in_time, row.late, row.waiting],
                    url=_url("messages:list", congress_slug, station=row.station_id)
                    if can["messages"]
                    else "",
                )
                for row in stations
            ],
        )

    return render(
        request,
        "reports/dashboard.html",
        {
            "headlines": now,
            "before": before,
            "cards": cards,
            "choices": choices,
            "chosen": code,
            "year_to_date": year_to_date,
            "quarter_url": _url("dashboard:index", congress_slug, quarter=code),
            "ytd_url": _url("dashboard:index", congress_slug, quarter=code, period="ytd"),
            "trend_charts": trend_charts,
            "histogram": histogram,
            "ranking": ranking,
            "unit_chart": unit_chart,
            "station_chart": station_chart,
            "links": links,
            "today": today,
        },
    )
