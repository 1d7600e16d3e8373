"""Staff duty pages: the audit queue with batch approve and reject, a record with its history,
batch entry for many deputies at once, and the quarters with their closing and ranking.

Every id a form posts goes through `duty_record_reviewable` or `deputy_visible` first, so a
record or deputy the member may not handle is ignored, whatever the browser sent.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from congress.access import permission_required, require
from congress.errors import DomainError
from congress.models import JobRun, JobStatus
from congress.pages import form_error, post_only
from congress.permissions import membership_can
from deputies.selectors import deputy_visible
from reports.listing import export_query
from scoring import review_selectors as selectors
from scoring import services
from scoring.models import DutyRecord, RecordOrigin, RecordStatus
from scoring.review_forms import EntryForm, RejectForm, ReviewFilterForm, ids_from
from scoring.selectors import (
    duty_record_reviewable,
    parse_quarter,
    quarter_is_closed,
)

PAGE_SIZE = 100
REVIEW = "scoring.review_records"
ENTER = "scoring.enter_records"
QUARTERS = "scoring.close_quarters"
TABS = ("queue", "reviewed")
RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)


def _fragment(request: HttpRequest, template: str, target: str) -> str:
    if request.htmx and request.htmx.target == target:
        return f"{template}#{target}"
    return template


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# The queue ---------------------------------------------------------------------------------


def _queue_page(
    request: HttpRequest,
    *,
    status: int = 200,
    reject_form: RejectForm | None = None,
    checked: set[int] | None = None,
) -> HttpResponse:
    membership = request.membership
    form = ReviewFilterForm(
        request.GET,
        categories=selectors.queue_categories(membership=membership),
        stations=selectors.station_choices(membership=membership),
    )
    filters = form.filters()
    tab = request.GET.get("tab", "queue")
    if tab not in TABS:
        tab = "queue"
    if tab == "reviewed":
        queryset = selectors.recently_reviewed(membership=membership, filters=filters)
    else:
        queryset = selectors.review_queue(membership=membership, filters=filters)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    select_all = request.GET.get("select") == "all"
    context = {
        "form": form,
        "filters": filters,
        "tab": tab,
        "page": page,
        "reject_form": reject_form or RejectForm(),
        "checked": checked or set(),
        "select_all": select_all,
        "query_string": _query_without(request, "select"),
        "filter_query": _query_without(request, "select", "tab", "page"),
        "can_enter": membership_can(membership, ENTER),
        "can_close": membership_can(membership, QUARTERS),
        "can_export": membership_can(membership, "scoring.export_records"),
        "export_query": export_query(request),
    }
    template = _fragment(request, "scoring/review/queue.html", "review-table")
    return render(request, template, context, status=status)


def _audit_done(request: HttpRequest, *, action: str, done: int, asked: int) -> None:
    if action == "approve":
        text = ngettext("Approved %(count)s record.", "Approved %(count)s records.", done)
    else:
        text = ngettext("Rejected %(count)s record.", "Rejected %(count)s records.", done)
    messages.success(request, text % {"count": done})
    left = asked - done
    if left:
        messages.warning(
            request,
            ngettext(
                "%(count)s record was left as it was: already audited, in a closed quarter or "
                "not yours to audit.",
                "%(count)s records were left as they were: already audited, in a closed quarter "
                "or not yours to audit.",
                left,
            )
            % {"count": left},
        )


@permission_required(REVIEW)
@require_http_methods(["GET", "POST"])
def review_queue(request: HttpRequest, congress_slug: str) -> HttpResponse:
    if request.method != "POST":
        return _queue_page(request)
    action = request.POST.get("action", "")
    asked = ids_from(request.POST.getlist("ids"))
    reject_form = RejectForm(request.POST) if action == "reject" else RejectForm()
    if action not in ("approve", "reject"):
        messages.error(request, _("Choose whether to approve or reject."))
        return _queue_page(request, status=400, checked=set(asked))
    if not asked:
        messages.error(request, _("Tick the records first."))
        return _queue_page(request, status=400, reject_form=reject_form)
    if action == "reject" and not reject_form.is_valid():
        return _queue_page(request, status=400, reject_form=reject_form, checked=set(asked))
    # Only the ids this member may audit reach the service; the rest are counted as left.
    allowed = list(
        duty_record_reviewable(membership=request.membership)
        .filter(pk__in=asked)
        .values_list("pk", flat=True)
    )
    try:
        if action == "approve":
            done = services.duty_records_approve(actor=request.user, records=allowed)
        else:
            done = services.duty_records_reject(
                actor=request.user, records=allowed, reason=reject_form.cleaned_data["reason"]
            )
    except DomainError as error:
        if action == "reject" and error.field == "reason":
            form_error(reject_form, error)
        else:
            messages.error(request, error.message)
        return _queue_page(request, status=400, reject_form=reject_form, checked=set(asked))
    _audit_done(request, action=action, done=done, asked=len(asked))
    url = reverse("duty_review:queue", kwargs={"congress_slug": congress_slug})
    query = _query_without(request, "select")
    return redirect(f"{url}?{query}" if query else url)


# One record --------------------------------------------------------------------------------


def record_get(request: HttpRequest, record_id: int) -> DutyRecord:
    """A record through the scope (another congress's id is 404), which the member may audit."""
    record = get_object_or_404(selectors.record_for_review(record_id=record_id))
    require(request, "scoring.review_record", record)
    return record


def _record_page(
    request: HttpRequest, record: DutyRecord, *, status: int = 200, reject_form=None
) -> HttpResponse:
    closed = quarter_is_closed(day=record.occurred_on)
    can_approve = not closed and record.status == RecordStatus.SUBMITTED
    can_reject = (
        not closed
        and record.status in (RecordStatus.SUBMITTED, RecordStatus.APPROVED)
        and record.origin != RecordOrigin.AUTOMATIC
    )
    context = {
        "record": record,
        "photos": selectors.record_photos(record=record),
        "events": selectors.record_history(record=record),
        "quarter_closed": closed,
        "can_approve": can_approve,
        "can_reject": can_reject,
        "reject_form": reject_form or RejectForm(),
        "queue_url": reverse("duty_review:queue", kwargs={"congress_slug": record.congress.slug}),
    }
    return render(request, "scoring/review/record.html", context, status=status)


@permission_required(REVIEW)
@require_http_methods(["GET", "POST"])
def record_detail(request: HttpRequest, congress_slug: str, record_id: int) -> HttpResponse:
    record = record_get(request, record_id)
    if request.method != "POST":
        return _record_page(request, record)
    action = request.POST.get("action", "")
    reject_form = RejectForm(request.POST) if action == "reject" else None
    if action not in ("approve", "reject"):
        messages.error(request, _("Choose whether to approve or reject."))
        return _record_page(request, record, status=400)
    if reject_form is not None and not reject_form.is_valid():
        return _record_page(request, record, status=400, reject_form=reject_form)
    try:
        if action == "approve":
            done = services.duty_records_approve(actor=request.user, records=[record.pk])
        else:
            done = services.duty_records_reject(
                actor=request.user, records=[record.pk], reason=reject_form.cleaned_data["reason"]
            )
    except DomainError as error:
        if reject_form is not None:
            form_error(reject_form, error)
        else:
            messages.error(request, error.message)
        return _record_page(request, record, status=400, reject_form=reject_form)
    if done:
        messages.success(
            request,
            _("The record was approved.") if action == "approve" else _("The record was rejected."),
        )
    else:
        messages.warning(request, _("The record was left as it was: it can no longer change."))
    return redirect("duty_review:record", congress_slug=record.congress.slug, record_id=record.pk)


# Batch entry -------------------------------------------------------------------------------


def _day_from(value: str | None) -> date:
    """The date the category list is for: the one typed, else today."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return timezone.localdate()


def _int_or_none(value: str | None) -> int | None:
    ids = ids_from([value or ""])
    return ids[0] if ids else None


def _entry_page(
    request: HttpRequest, form: EntryForm, ticked_ids: list[int], *, status: int = 200
) -> HttpResponse:
    membership = request.membership
    source = request.POST if request.method == "POST" else request.GET
    group_id = _int_or_none(source.get("group"))
    station_id = _int_or_none(source.get("station"))
    search = (source.get("q") or "").strip()[:50]
    groups = selectors.group_choices(membership=membership)
    if group_id not in {pk for pk, _name in groups}:
        group_id = None
    candidates = list(
        selectors.entry_candidates(
            membership=membership, group_id=group_id, station_id=station_id, search=search
        )[: selectors.MAX_CANDIDATES + 1]
    )
    too_many = len(candidates) > selectors.MAX_CANDIDATES
    candidates = candidates[: selectors.MAX_CANDIDATES]
    shown = {deputy.pk for deputy in candidates}
    ticked = set(ticked_ids)
    # Deputies ticked before the filter changed stay ticked, listed apart.
    kept = [
        deputy
        for deputy in deputy_visible(membership=membership).filter(pk__in=ticked_ids)
        if deputy.pk not in shown
    ]
    context = {
        "form": form,
        "candidates": candidates,
        "kept": kept,
        "ticked": ticked,
        "too_many": too_many,
        "max_candidates": selectors.MAX_CANDIDATES,
        "groups": groups,
        "stations": selectors.station_choices(membership=membership),
        "group_id": group_id,
        "station_id": station_id,
        "search": search,
    }
    template = _fragment(request, "scoring/review/enter.html", "entry-candidates")
    return render(request, template, context, status=status)


@permission_required(ENTER)
@require_http_methods(["GET", "POST"])
def record_enter(request: HttpRequest, congress_slug: str) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    day = _day_from(source.get("occurred_on"))
    items = selectors.entry_items(day=day)
    ticked_ids = ids_from(source.getlist("deputies"))
    if request.method != "POST":
        initial = {"occurred_on": timezone.localdate()}
        return _entry_page(request, EntryForm(initial=initial, items=items), ticked_ids)
    form = EntryForm(request.POST, items=items)
    if not form.is_valid():
        return _entry_page(request, form, ticked_ids, status=400)
    membership = request.membership
    deputies = list(deputy_visible(membership=membership).filter(pk__in=ticked_ids))
    match = selectors.match_names(membership=membership, names=form.pasted_names())
    problems = []
    if match.unknown:
        problems.append(_("No such deputy: %(names)s") % {"names": "、".join(match.unknown)})
    if match.ambiguous:
        problems.append(
            _("More than one deputy has this name, tick the right one in the list: %(names)s")
            % {"names": "、".join(match.ambiguous)}
        )
    if match.not_serving:
        problems.append(_("No longer serving: %(names)s") % {"names": "、".join(match.not_serving)})
    for problem in problems:
        form.add_error("names", problem)
    if problems:
        return _entry_page(request, form, ticked_ids, status=400)
    try:
        created, skipped = services.duty_records_enter(
            actor=request.user,
            deputies=deputies + match.found,
            category=form.cleaned_data["category"],
            occurred_on=form.cleaned_data["occurred_on"],
            description=form.cleaned_data["description"],
        )
    except DomainError as error:
        if error.field == "deputies":
            form.add_error(None, error.message)
        else:
            form_error(form, error)
        return _entry_page(request, form, ticked_ids, status=400)
    messages.success(
        request,
        ngettext(
            "Entered the record for %(count)s deputy.",
            "Entered the record for %(count)s deputies.",
            len(created),
        )
        % {"count": len(created)},
    )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "Skipped %(count)s deputy who already has this category on that day: %(names)s",
                "Skipped %(count)s deputies who already have this category on that day: %(names)s",
                len(skipped),
            )
            % {"count": len(skipped), "names": "、".join(deputy.name for deputy in skipped)},
        )
    url = reverse("duty_review:enter", kwargs={"congress_slug": congress_slug})
    return redirect(url)


# Quarters ----------------------------------------------------------------------------------


@permission_required(QUARTERS)
def quarter_list(request: HttpRequest, congress_slug: str) -> HttpResponse:
    job = None
    job_id = _int_or_none(request.GET.get("job"))
    if job_id is not None:
        job = get_object_or_404(JobRun.objects.select_related("created_by"), pk=job_id)
        require(request, "congress.view_job_run", job)
    context = {
        "quarters": selectors.quarter_overview(),
        "job": job,
        "polling": job is not None and job.status in RUNNING,
    }
    return render(
        request, _fragment(request, "scoring/review/quarters.html", "job-status"), context
    )


@permission_required(QUARTERS)
def quarter_close(request: HttpRequest, congress_slug: str) -> HttpResponse:
    """Close an ended quarter (confirming its records) and rank it in the background."""
    if refused := post_only(request):
        return refused
    list_url = reverse("duty_review:quarters", kwargs={"congress_slug": congress_slug})
    parsed = parse_quarter(request.POST.get("quarter", ""))
    if parsed is None:
        messages.error(request, _("Choose a quarter."))
        return redirect(list_url)
    year, quarter = parsed
    # Imported here: the job module loads Celery and the ranking engine.
    from scoring.tasks import ranking_job_start

    try:
        # Refused at once (not ended, no rules, records awaiting audit); closed by the job.
        job_run = ranking_job_start(
            actor=request.user, congress=request.congress, year=year, quarter=quarter
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(list_url)
    messages.success(
        request,
        _("%(label)s is being closed and ranked.") % {"label": f"{year}Q{quarter}"},
    )
    return redirect(f"{list_url}?job={job_run.pk}")
