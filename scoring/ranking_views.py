"""The ranking board with its red and black lists, a deputy's line traced to its records, and
the deputy's duty portrait. Staff and leaders read; only staff ask for a quarter to be ranked."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from congress.access import permission_required, require
from congress.errors import DomainError
from congress.models import JobRun, JobStatus
from congress.pages import form_error, post_only
from congress.permissions import membership_can
from deputies.models import Deputy
from reports.listing import export_query

from . import charts
from . import ranking_selectors as selectors
from .models import Period, Ranking, RollupKind
from .ranking_forms import BoardFilterForm, ComputeForm

PAGE_SIZE = 50
VIEW = "scoring.view_rankings"
COMPUTE = "scoring.compute_rankings"
PORTRAITS = "scoring.view_portraits"
RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)


def _period(text: str | None) -> str:
    return text if text in Period.values else Period.QUARTER


def _board_context(request: HttpRequest, *, compute_form: ComputeForm | None = None) -> dict:
    ranking = selectors.ranking_chosen(request.GET.get("quarter"))
    form = BoardFilterForm(request.GET, choices=selectors.filter_choices())
    filters = form.filters()
    can_compute = membership_can(request.membership, COMPUTE)
    context = {
        "ranking": ranking,
        "rankings": list(selectors.ranking_list()) if ranking else [],
        "form": form,
        "filters": filters,
        "can_compute": can_compute,
        "can_portrait": membership_can(request.membership, PORTRAITS),
        "can_export": membership_can(request.membership, "scoring.export_rankings"),
        "export_query": export_query(request),
        "compute_form": compute_form or (ComputeForm() if can_compute else None),
        "job": _job(request),
    }
    context["polling"] = context["job"] is not None and context["job"].status in RUNNING
    if ranking is None:
        return context
    categories = selectors.ranking_categories(ranking=ranking, period=filters.period)
    queryset = selectors.ranking_entries(ranking=ranking, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.decorate_entries(
        page.object_list, ranking=ranking, period=filters.period, categories=categories
    )
    context.update(
        {
            "categories": categories,
            "page": page,
            "group_lists": selectors.red_and_black(
                ranking=ranking, period=filters.period, kind=RollupKind.GROUP
            ),
            "station_lists": selectors.red_and_black(
                ranking=ranking, period=filters.period, kind=RollupKind.STATION
            ),
            "trace_query": urlencode({"period": filters.period}),
        }
    )
    return context


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
    return render(request, _template(request), _board_context(request))


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
