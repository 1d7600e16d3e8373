"""The ranking board with its red and black lists, a deputy's line traced to its records, and
the deputy's duty portrait. Staff and leaders read; only staff ask for a quarter to be ranked."""

from __future__ import annotations

import html
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_safe

from congress import data_versions
from congress.access import permission_required, require
from congress.errors import DomainError
from congress.models import JobRun, JobStatus
from congress.pages import form_error, post_only
from congress.permissions import membership_can
from deputies.models import Deputy
from liaison.models import DeputyGroup, GroupMembership, LiaisonStation, StationDeputy
from reports.listing import export_query

from . import charts
from . import ranking_selectors as selectors
from .models import (
    DutyWarning,
    Period,
    Ranking,
    RankingCategoryScore,
    RankingEntry,
    RankingRollup,
    RollupKind,
    RuleItem,
    RuleSet,
)
from .ranking_forms import BoardFilterForm, ComputeForm

PAGE_SIZE = 50
# The tables the board is read from (its cached part is keyed by their versions).
BOARD_READS = (
    Ranking,
    RuleSet,
    RuleItem,
    RankingEntry,
    RankingCategoryScore,
    RankingRollup,
    DutyWarning,
    Deputy,
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    StationDeputy,
)
VIEW = "scoring.view_rankings"
COMPUTE = "scoring.compute_rankings"
PORTRAITS = "scoring.view_portraits"
RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)


def _period(text: str | None) -> str:
    return text if text in Period.values else Period.QUARTER


def _board_context(request: HttpRequest, *, compute_form: ComputeForm | None = None) -> dict:
    can_compute = membership_can(request.membership, COMPUTE)
    can_portrait = membership_can(request.membership, PORTRAITS)
    can_export = membership_can(request.membership, "scoring.export_rankings")
    # A published ranking never changes, and groups, stations and deputies seldom do: the board
    # is read once per version of the tables it reads (congress.data_versions), per filter
    # and page, language, and what the reader may open.
    data = data_versions.cached(
        "ranking-board",
        congress_id=request.congress.pk,
        reads=BOARD_READS,
        parts=(
            sorted(request.GET.lists()),
            translation.get_language(),
            can_portrait,
            can_export,
        ),
        build=lambda: _board_data(request, can_portrait=can_portrait, can_export=can_export),
    )
    context = {
        "ranking": data["ranking"],
        "filters_form": data["filters_form"],
        "results": data["results"],
        "can_compute": can_compute,
        "compute_form": compute_form or (ComputeForm() if can_compute else None),
        "job": _job(request),
    }
    context["polling"] = context["job"] is not None and context["job"].status in RUNNING
    return context


def _board_data(request: HttpRequest, *, can_portrait: bool, can_export: bool) -> dict:
    """What the board shows of the data: the ranking, and the filters and the results written
    out, all of it the same for every reader with the same rights."""
    ranking, rankings = selectors.board_rankings(request.GET.get("quarter"))
    data = {"ranking": ranking, "filters_form": "", "results": ""}
    if ranking is None:
        return data
    form = BoardFilterForm(request.GET, choices=selectors.filter_choices())
    filters = form.filters()
    data["filters_form"] = render_to_string(
        "scoring/rankings/board.html#ranking-filters",
        {"form": form, "ranking": ranking, "rankings": rankings},
        request,
    )
    categories = selectors.ranking_categories(ranking=ranking, period=filters.period)
    queryset = selectors.board_entries(ranking=ranking, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.board_decorate(
        page.object_list, ranking=ranking, period=filters.period, categories=categories
    )
    lists = selectors.red_and_black_lists(ranking=ranking, period=filters.period)
    trace_query = urlencode({"period": filters.period})
    context = {
        "ranking": ranking,
        "filters": filters,
        "can_export": can_export,
        "can_portrait": can_portrait,
        "export_query": export_query(request),
        "categories": categories,
        "page": page,
        "rows": board_rows(
            page.object_list,
            congress_slug=request.congress.slug,
            ranking=ranking,
            trace_query=trace_query,
            can_portrait=can_portrait,
        ),
        "group_lists": lists[RollupKind.GROUP],
        "station_lists": lists[RollupKind.STATION],
        "group_list_panel": board_list_panel(
            lists[RollupKind.GROUP], title=gettext("Deputy groups")
        ),
        "station_list_panel": board_list_panel(
            lists[RollupKind.STATION], title=gettext("Liaison stations")
        ),
        "trace_query": trace_query,
    }
    data["results"] = render_to_string(
        "scoring/rankings/board.html#ranking-results", context, request
    )
    return data


# The board's rows and lists ---------------------------------------------------------------------
#
# A page of 50 rows of a dozen categories made some 15,000 template nodes render, more than half
# of the page's time. The rows, and the red and black lists, are written here instead, as the
# page's former templates kept in tests/scoring/ (board_rows_reference.html, with
# scoring/rankings/change.html, and board_lists_reference.html) write them, character for
# character; tests/scoring/test_board_rows.py holds the two to each other over varied rows and
# lists. Labels are translated and values localised and escaped as the template tags do it.

# A deputy id no real one equals: the address around it is worked out once per page.
_MARKER = 918273645546372819


def _escaped(value) -> str:
    """A value as `{{ value }}` writes it: localised, then escaped unless already safe."""
    value = localize(value)
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _deputy_address(name: str, **kwargs):
    """The escaped address of `name` for a deputy id, as `{% url %}` writes it."""
    address = reverse(name, kwargs={**kwargs, "deputy_id": _MARKER})
    parts = address.split(str(_MARKER))
    if len(parts) == 2:
        before, after = _escaped(parts[0]), _escaped(parts[1])
        return lambda deputy_id: f"{before}{deputy_id}{after}"
    return lambda deputy_id: _escaped(reverse(name, kwargs={**kwargs, "deputy_id": deputy_id}))


def board_rows(
    entries, *, congress_slug: str, ranking: Ranking, trace_query: str, can_portrait: bool
) -> SafeString:
    """The table rows of the board's entries (decorated by `selectors.board_decorate`)."""
    # Each called by name, so that makemessages keeps finding them.
    labels = {
        "Rank": gettext("Rank"),
        "Deputy": gettext("Deputy"),
        "Level": gettext("Level"),
        "Groups": gettext("Groups"),
        "Stations": gettext("Stations"),
        "Total": gettext("Total"),
        "Since last quarter": gettext("Since last quarter"),
        "Warnings": gettext("Warnings"),
        "Portrait": gettext("Portrait"),
        "not ranked last quarter": gettext("not ranked last quarter"),
        "points": gettext("points"),
        "same place": gettext("same place"),
    }
    trace = _deputy_address(
        "duty_rankings:entry", congress_slug=congress_slug, ranking_id=ranking.pk
    )
    portrait = _deputy_address("duty_rankings:portrait", congress_slug=congress_slug)
    trace_query = _escaped(trace_query)
    quarter = _escaped(ranking.label)
    none = '<span class="muted">—</span>'
    numbers: dict[str, str] = {}
    points: dict[str, str] = {}
    levels: dict[str, str] = {}
    cell_labels: dict[str, str] = {}

    def number(value) -> str:
        key = str(value)
        if key not in numbers:
            numbers[key] = _escaped(value)
        return numbers[key]

    def point(value) -> str:
        # floatformat reads a number through its text, so equal texts format the same.
        key = str(value)
        if key not in points:
            points[key] = str(floatformat(value, "-2"))
        return points[key]

    def counted(message: str, count: int) -> str:
        # The message is given by a ngettext call at each use, where the catalog finds it.
        return message % {"counter": number(count)}

    def change_of(entry) -> str:
        change, places = entry.points_change, entry.rank_change
        if change is None:
            return f'<span class="muted">{labels["not ranked last quarter"]}</span>\n'
        direction = "change-up" if change > 0 else "change-down" if change < 0 else ""
        sign = "+" if change > 0 else ""
        text = f'<span class="change {direction}">{sign}{point(change)} {labels["points"]}</span>'
        if not places:
            return f'{text} · <span class="muted">{labels["same place"]}</span>\n'
        count = entry.places_moved
        if places > 0:
            up = ngettext("up %(counter)s place", "up %(counter)s places", count)
            moved = '<span aria-hidden="true">↑</span>' + counted(up, count)
        else:
            down = ngettext("down %(counter)s place", "down %(counter)s places", count)
            moved = '<span aria-hidden="true">↓</span>' + counted(down, count)
        direction = "change-up" if places > 0 else "change-down"
        return f'{text} · <span class="change {direction}">{moved}</span>\n'

    rows = []
    for entry in entries:
        deputy = entry.deputy
        level = levels.get(deputy.level)
        if level is None:
            level = levels[deputy.level] = _escaped(deputy.get_level_display())
        groups = "、".join(_escaped(name) for name in entry.group_names) or none
        stations = "、".join(_escaped(name) for name in entry.station_names) or none
        cells = []
        for cell in entry.category_cells:
            label = cell_labels.get(cell["name"])
            if label is None:
                label = cell_labels[cell["name"]] = _escaped(cell["name"])
            value = cell["points"]
            shown = '<span class="muted">0</span>' if value is None else point(value)
            cells.append(f'<td class="num" data-label="{label}">{shown}</td>')
        warning = ""
        if entry.warning_level:
            reasons = "；".join(_escaped(item.reason) for item in entry.warnings)
            raised = len(entry.warnings)
            count = counted(ngettext("%(counter)s warning", "%(counter)s warnings", raised), raised)
            warning = (
                f'<span class="warning-badge warning-{_escaped(entry.warning_level)}"'
                f' title="{reasons}">{count}</span>'
            )
        link = ""
        if can_portrait:
            link = (
                f'<a class="ranking-portrait-link" href="{portrait(entry.deputy_id)}'
                f'?quarter={quarter}">{labels["Portrait"]}</a>'
            )
        rows.append(
            "\n              <tr>\n"
            f'                <td class="num" data-label="{labels["Rank"]}">'
            f"<strong>{number(entry.rank)}</strong></td>\n"
            f'                <td data-label="{labels["Deputy"]}">\n'
            f'                  <a href="{trace(entry.deputy_id)}?{trace_query}">'
            f"{_escaped(deputy.name)}</a>\n"
            f"                  {link}\n"
            "                </td>\n"
            f'                <td data-label="{labels["Level"]}">{level}</td>\n'
            f'                <td data-label="{labels["Groups"]}">{groups}</td>\n'
            f'                <td data-label="{labels["Stations"]}">{stations}</td>\n'
            f"                {''.join(cells)}\n"
            f'                <td class="num" data-label="{labels["Total"]}">'
            f"<strong>{point(entry.points)}</strong></td>\n"
            f'                <td data-label="{labels["Since last quarter"]}" class="nowrap">'
            f"{change_of(entry)}</td>\n"
            f'                <td data-label="{labels["Warnings"]}">{warning}</td>\n'
            "              </tr>\n            "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value in it is escaped


def board_list_panel(lists: selectors.Lists, *, title: str) -> SafeString:
    """A panel of a red and a black list, as the list template kept in
    tests/scoring/board_lists_reference.html writes it (held to it by the same test)."""

    def items(rollups) -> str:
        return "".join(
            f'<li><span class="rollup-rank">{_escaped(rollup.rank)}</span>'
            f' {_escaped(rollup.name)} <span class="muted">'
            + ngettext(
                "%(average)s points average, %(counter)s deputy",
                "%(average)s points average, %(counter)s deputies",
                rollup.deputy_count,
            )
            % {
                "average": str(floatformat(rollup.points_average, "-2")),
                "counter": _escaped(rollup.deputy_count),
            }
            + "</span></li>"
            for rollup in rollups
        )

    # Translated outside the f-strings, where the catalog's extraction finds them.
    red_title = gettext("Red list (highest averages)")
    black_title = gettext("Black list (lowest averages)")
    too_few = gettext("Too few to list.")
    nothing = gettext("Nothing to list in this snapshot.")
    if lists.red or lists.black:
        if lists.black:
            black = f"\n          <ol>\n            {items(lists.black)}\n          </ol>\n        "
        else:
            black = f'<p class="empty">{too_few}</p>'
        body = (
            '\n    <div class="red-black">\n      <div class="red-list">\n'
            '        <h4><span class="list-mark list-red" aria-hidden="true"></span>'
            f"{red_title}</h4>\n"
            f"        <ol>\n          {items(lists.red)}\n        </ol>\n      </div>\n"
            '      <div class="black-list">\n'
            '        <h4><span class="list-mark list-black" aria-hidden="true"></span>'
            f"{black_title}</h4>\n        {black}\n"
            "      </div>\n    </div>\n  "
        )
    else:
        body = f'\n    <p class="empty">{nothing}</p>\n  '
    panel = (
        f'<section class="panel ranking-list-panel">\n  <h3>{_escaped(title)}</h3>\n  {body}'
        "\n</section>\n"
    )
    return mark_safe(panel)  # noqa: S308 - every value in it is escaped


def _job(request: HttpRequest) -> JobRun | None:
    job_id = request.GET.get("job", "")
    if not job_id.isdigit():
        return None
    job = get_object_or_404(JobRun.objects.all(), pk=int(job_id))
    require(request, "congress.view_job_run", job)
    return job


def _template(request: HttpRequest) -> str:
    template = "scoring/rankings/board.html"
    if request.htmx and request.htmx.target in ("ranking-results", "ranking-job"):
        template += f"#{request.htmx.target}"
    return template


@permission_required(VIEW)
@require_safe
def board(request: HttpRequest, congress_slug: str) -> HttpResponse:
    template = _template(request)
    if template.endswith("#ranking-job"):
        # The page polls the job's state every two seconds while a quarter is ranked: the
        # fragment shows the job alone, so the board is not read for it.
        job = _job(request)
        context = {"job": job, "polling": job is not None and job.status in RUNNING}
        return render(request, template, context)
    context = _board_context(request)
    if template.endswith("#ranking-results"):
        return HttpResponse(context["results"])
    return render(request, template, context)


@permission_required(COMPUTE)
def compute(request: HttpRequest, congress_slug: str) -> HttpResponse:
    refused = post_only(request)
    if refused is not None:
        return refused
    form = ComputeForm(request.POST)
    if form.is_valid():
        year, quarter = form.cleaned_data["quarter"]
        # Imported here: the job module loads Celery and the ranking engine.
        from scoring.tasks import ranking_job_start

        try:
            job = ranking_job_start(
                actor=request.user, congress=request.congress, year=year, quarter=quarter
            )
        except DomainError as error:
            form_error(form, error)
        else:
            url = reverse("duty_rankings:board", kwargs={"congress_slug": congress_slug})
            return redirect(f"{url}?{urlencode({'quarter': f'{year}Q{quarter}', 'job': job.pk})}")
    context = _board_context(request, compute_form=form)
    return render(request, "scoring/rankings/board.html", context, status=400)


@permission_required(VIEW)
@require_safe
def entry(request: HttpRequest, congress_slug: str, ranking_id: int, deputy_id: int):
    ranking = get_object_or_404(Ranking.objects.select_related("rule_set"), pk=ranking_id)
    deputy = get_object_or_404(Deputy.objects.all(), pk=deputy_id)
    period = _period(request.GET.get("period"))
    trace = selectors.deputy_trace(ranking=ranking, deputy=deputy, period=period)
    context = {
        "trace": trace,
        "ranking": ranking,
        "deputy": deputy,
        "period": period,
        "periods": Period.choices,
        "can_portrait": membership_can(request.membership, PORTRAITS),
    }
    return render(request, "scoring/rankings/entry.html", context)


@permission_required(PORTRAITS)
@require_safe
def portrait(request: HttpRequest, congress_slug: str, deputy_id: int) -> HttpResponse:
    deputy = get_object_or_404(selectors.deputy_profile(deputy_id=deputy_id))
    today = timezone.localdate()
    activity = selectors.monthly_activity(deputy=deputy, today=today)
    activity_chart = charts.column_chart(
        [(month.strftime("%Y-%m")[2:], count) for month, count in activity]
    )
    ranking = selectors.ranking_chosen(request.GET.get("quarter"))
    comparison = None
    if ranking is not None:
        categories = selectors.ranking_categories(ranking=ranking, period=Period.YEAR)
        own = selectors.deputy_category_points(ranking=ranking, deputy=deputy, period=Period.YEAR)
        medians = selectors.category_medians(
            ranking=ranking, codes=[category.code for category in categories]
        )
        rows = [
            {
                "category": category,
                "points": own.get(category.code, 0),
                "median": medians.get(category.code, 0),
            }
            for category in categories
        ]
        comparison = {
            "rows": rows,
            "chart": charts.grouped_column_chart(
                [(row["category"].name, [row["points"], row["median"]]) for row in rows],
                series=[deputy.name, gettext("Congress median")],
            ),
        }
    history = selectors.deputy_quarter_history(deputy=deputy)
    history_rows = [
        {"label": entry.ranking.label, "points": entry.points, "rank": entry.rank, "entry": entry}
        for entry in history
    ]
    context = {
        "deputy": deputy,
        "ranking": ranking,
        "rankings": list(selectors.ranking_list()) if ranking else [],
        "activity": activity,
        "activity_chart": activity_chart,
        "comparison": comparison,
        "history_rows": history_rows,
        "points_chart": charts.column_chart(
            [(row["label"], row["points"]) for row in history_rows]
        ),
        "rank_chart": charts.rank_line_chart(
            [(row["label"], row["rank"]) for row in history_rows],
            lowest=max((entry.ranking.deputy_count for entry in history), default=1),
        ),
    }
    return render(request, "scoring/rankings/portrait.html", context)
