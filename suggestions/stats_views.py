"""The statistics dashboard for staff and leaders: figures, tables and server-drawn SVG charts."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from congress.access import permission_required
from suggestions.models import SuggestionKind, SuggestionStatus
from suggestions.stats_selectors import (
    RECESS,
    Figures,
    Statistics,
    StatisticsFilter,
    filter_choices,
    statistics,
)

# Chart geometry (SVG user units): a label column, then bars up to BAR_WIDTH long.
LABEL_WIDTH = 190
BAR_WIDTH = 360
ROW_HEIGHT = 34
BAR_HEIGHT = 12
CHART_WIDTH = LABEL_WIDTH + BAR_WIDTH + 70
STATUS_WIDTH = 600


class StatisticsFilterForm(forms.Form):
    session = forms.ChoiceField(label=_("Session"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("All types")), *SuggestionKind.choices],
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [
            ("", _("All sessions and recess")),
            *[(str(pk), name) for pk, name in choices["sessions"]],
            (RECESS, _("Recess")),
        ]
        self.fields["year"].choices = [
            ("", _("All years")),
            *[(str(year), str(year)) for year in choices["years"]],
        ]

    def to_filter(self) -> StatisticsFilter:
        """The valid choices; a value that is not offered is ignored (and shown as an error)."""
        # cleaned_data keeps the fields that were valid, so one bad value does not drop the rest.
        self.is_valid()
        data = self.cleaned_data
        session = data.get("session") or None
        if session and session != RECESS:
            session = int(session)
        return StatisticsFilter(session=session, year=data.get("year"), kind=data.get("kind", ""))


def _list_url(congress_slug: str) -> str:
    return reverse("suggestions:list", kwargs={"congress_slug": congress_slug})


class Links:
    """Links from a figure to the staff list, filtered to the suggestions it counts."""

    def __init__(self, base: str, filters: StatisticsFilter):
        self.base = base
        self.common = {}
        if filters.session:
            self.common["session"] = filters.session
        if filters.year:
            self.common["year"] = filters.year
        if filters.kind:
            self.common["kind"] = filters.kind

    def __call__(self, **params) -> str:
        query = {**self.common, **{key: value for key, value in params.items() if value}}
        return f"{self.base}?{urlencode(query)}" if query else self.base


def _percent(rate: float | None) -> int | None:
    return None if rate is None else round(rate * 100)


def _bar(rate: float | None) -> float:
    return 0 if rate is None else round(rate * BAR_WIDTH, 1)


def _rate_chart(rows: list[Figures], link: Links, group: str) -> dict:
    """Two bars per row: the on-time rate and the A-class rate."""
    bars = []
    for index, figures in enumerate(rows):
        top = index * ROW_HEIGHT + 6
        bars.append(
            {
                "label": figures.label,
                "label_y": top + BAR_HEIGHT + 2,
                "on_time_y": top,
                "on_time_width": _bar(figures.on_time_rate),
                "on_time_percent": _percent(figures.on_time_rate),
                "solved_y": top + BAR_HEIGHT + 2,
                "solved_width": _bar(figures.solved_rate),
                "solved_percent": _percent(figures.solved_rate),
                "text_y": top + BAR_HEIGHT - 2,
                "solved_text_y": top + 2 * BAR_HEIGHT,
                "url": link(**{group: figures.key_value}),
            }
        )
    return {
        "bars": bars,
        "height": max(len(rows), 1) * ROW_HEIGHT + 8,
        "width": CHART_WIDTH,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_width": BAR_WIDTH,
        "full_x": LABEL_WIDTH + BAR_WIDTH,
    }


def _status_chart(stats: Statistics, link: Links) -> dict:
    """One bar split by status, widest first in the life order of a suggestion."""
    total = sum(count for _status, _label, count in stats.by_status)
    segments, x = [], 0.0
    for status, label, count in stats.by_status:
        width = round(count / total * STATUS_WIDTH, 1) if total else 0
        segments.append(
            {
                "status": status,
                "label": label,
                "count": count,
                "x": x,
                "width": width,
                "url": link(status=status),
            }
        )
        x += width
    return {"segments": segments, "width": STATUS_WIDTH, "total": total}


def _count_chart(rows: list[Figures], link: Links, group: str) -> dict:
    """One bar per row: how many were received."""
    most = max((figures.received for figures in rows), default=0)
    bars = []
    for index, figures in enumerate(rows):
        top = index * 26 + 4
        width = round(figures.received / most * BAR_WIDTH, 1) if most else 0
        bars.append(
            {
                "label": figures.label,
                "y": top,
                "text_y": top + 13,
                "width": width,
                "count": figures.received,
                "count_x": LABEL_WIDTH + width + 6,
                "url": link(**{group: figures.key_value}),
            }
        )
    return {
        "bars": bars,
        "height": max(len(rows), 1) * 26 + 8,
        "width": CHART_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "label_width": LABEL_WIDTH,
    }


def _rows(rows: list[Figures], link: Links, group: str) -> list[dict]:
    """Table rows with their percentages and the links behind their figures."""
    return [
        {
            "figures": figures,
            "on_time_percent": _percent(figures.on_time_rate),
            "solved_percent": _percent(figures.solved_rate),
            "first_percent": _percent(figures.first_satisfaction_rate),
            "final_percent": _percent(figures.final_satisfaction_rate),
            "url": link(**{group: figures.key_value}),
            "overdue_url": link(**{group: figures.key_value, "overdue": 1}),
        }
        for figures in rows
    ]


@permission_required("suggestions.view_statistics")
@require_safe
def dashboard(request: HttpRequest, congress_slug: str) -> HttpResponse:
    form = StatisticsFilterForm(request.GET or None, choices=filter_choices())
    filters = form.to_filter() if request.GET else StatisticsFilter()
    stats = statistics(congress=request.congress, filters=filters)
    for row in stats.by_session:
        if row.key_value == RECESS:
            row.label = str(_("Recess"))
    link = Links(_list_url(congress_slug), filters)
    total = stats.total
    return render(
        request,
        "suggestions/stats/dashboard.html",
        {
            "form": form,
            "stats": stats,
            "total": total,
            "percent": {
                "on_time": _percent(total.on_time_rate),
                "solved": _percent(total.solved_rate),
                "first": _percent(total.first_satisfaction_rate),
                "final": _percent(total.final_satisfaction_rate),
            },
            "links": {
                "all": link(),
                "accepted": None,
                "letters": link(status=SuggestionStatus.LETTER),
                "overdue": link(overdue=1),
                "replied": link(status=SuggestionStatus.REPLIED),
                "rehandling": link(status=SuggestionStatus.REHANDLING),
                "key": link(key=1),
            },
            "session_rows": _rows(stats.by_session, link, "session"),
            "unit_rows": _rows(stats.by_unit, link, "unit"),
            "category_rows": _rows(stats.by_category, link, "category"),
            "unit_chart": _rate_chart(stats.by_unit, link, "unit"),
            "status_chart": _status_chart(stats, link),
            "category_chart": _count_chart(stats.by_category, link, "category"),
            "solved_class": stats.solved_class,
        },
    )
