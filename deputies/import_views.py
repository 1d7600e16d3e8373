"""Pages of the roster's Excel import (upload, preview, confirm). The export lives on the
shared export page (reports)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congress.access import permission_required
from congress.errors import DomainError
from congress.models import JobRun, JobStatus
from deputies import exporters, importers
from deputies.import_forms import RosterUploadForm
from deputies.models import RosterImport, RosterImportStatus
from reports.exporting import attachment_disposition

IMPORT_PAGE_SIZE = 20
PREVIEW_PAGE_SIZE = 100
RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)


@permission_required("deputies.manage_roster")
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, congress_slug: str) -> HttpResponse:
    if request.method == "POST" and _body_too_large(request):
        # Refused before the body is read: Django would otherwise spool it all to disk first.
        form = RosterUploadForm(data={})
        form.full_clean()
        form.errors.clear()
        form.add_error(None, importers.upload_too_large_message())
    elif request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                roster_import = importers.roster_import_start(
                    actor=request.user, congress=request.congress, upload=form.cleaned_data["file"]
                )
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                return redirect(
                    "roster_import:detail", congress_slug=congress_slug, import_id=roster_import.pk
                )
    else:
        form = RosterUploadForm()
    page = Paginator(importers.roster_import_list(), IMPORT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "max_rows": importers.MAX_ROWS,
        "max_size": importers.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "deputies/import_upload.html", context)


def _body_too_large(request: HttpRequest) -> bool:
    # Room for the multipart framing and the other form fields around the file itself.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > importers.MAX_UPLOAD_BYTES + 64 * 1024


@permission_required("deputies.manage_roster")
@require_GET
def template(request: HttpRequest, congress_slug: str) -> HttpResponse:
    response = HttpResponse(exporters.roster_template(), content_type=importers.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_disposition(
        exporters.template_file_name(), "roster-template.xlsx"
    )
    return response


def _import_state(roster_import: RosterImport, jobs: dict[int, JobRun]) -> str:
    summary = roster_import.summary
    preview_job = jobs.get(summary.get("preview_job_id"))
    commit_job = jobs.get(summary.get("commit_job_id"))
    if roster_import.status != RosterImportStatus.PREVIEWED:
        return roster_import.status
    if "counts" not in summary:
        if preview_job is not None and preview_job.status == JobStatus.FAILED:
            return "check_failed"
        return "checking" if preview_job is not None else "unchecked"
    if commit_job is not None and commit_job.status in RUNNING:
        return "committing"
    return "previewed"


@permission_required("deputies.manage_roster")
@require_GET
def detail(request: HttpRequest, congress_slug: str, import_id: int) -> HttpResponse:
    roster_import = get_object_or_404(
        RosterImport.objects.select_related("created_by").defer("rows", "errors"), pk=import_id
    )
    summary = roster_import.summary
    jobs = importers.job_runs_by_id([summary.get("preview_job_id"), summary.get("commit_job_id")])
    state = _import_state(roster_import, jobs)
    context = {
        "roster_import": roster_import,
        "state": state,
        "polling": state in ("checking", "committing"),
        "job": jobs.get(summary.get("commit_job_id") or summary.get("preview_job_id")),
        "preview_job": jobs.get(summary.get("preview_job_id")),
        "commit_job": jobs.get(summary.get("commit_job_id")),
        "counts": summary.get("counts", {}),
    }
    if not context["polling"] and "counts" in summary:
        context.update(_preview_page(request, roster_import))
    template = "deputies/import_detail.html"
    if request.htmx and request.htmx.target == "import-body":
        template += "#import-body"
    return render(request, template, context)


def _preview_page(request: HttpRequest, roster_import: RosterImport) -> dict:
    show = request.GET.get("show", "")
    if show not in importers.ACTIONS:
        show = ""
    errors_by_line: dict[int, list[str]] = {}
    for error in roster_import.errors:
        errors_by_line.setdefault(error["line"], []).append(error["message"])
    rows = [row for row in roster_import.rows if not show or row["action"] == show]
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {column.key: column.header for column in importers.COLUMNS}
    entries = [
        {
            "row": row,
            "errors": errors_by_line.get(row["line"], []),
            "level": importers.display_value("level", row["values"].get("level")),
            "changes": [
                (labels[key], old, new) for key, (old, new) in row.get("changes", {}).items()
            ],
        }
        for row in page.object_list
    ]
    return {
        "page": page,
        "entries": entries,
        "show": show,
        "can_confirm": (
            roster_import.status == RosterImportStatus.PREVIEWED
            and not roster_import.errors
            and not roster_import.summary.get("file_error")
            and bool(roster_import.rows)
        ),
    }


@permission_required("deputies.manage_roster")
def confirm(request: HttpRequest, congress_slug: str, import_id: int) -> HttpResponse:
    # The import is looked up before the method is checked: another congress's id is a 404
    # whatever the method.
    roster_import = get_object_or_404(RosterImport.objects.defer("rows"), pk=import_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        importers.roster_import_confirm(actor=request.user, roster_import=roster_import)
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("roster_import:detail", congress_slug=congress_slug, import_id=import_id)


@permission_required("deputies.manage_roster")
def discard(request: HttpRequest, congress_slug: str, import_id: int) -> HttpResponse:
    roster_import = get_object_or_404(RosterImport.objects.defer("rows", "errors"), pk=import_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        importers.roster_import_discard(actor=request.user, roster_import=roster_import)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("roster_import:detail", congress_slug=congress_slug, import_id=import_id)
    messages.success(
        request, _("The upload of %(file)s was discarded.") % {"file": roster_import.file_name}
    )
    return redirect("roster_import:upload", congress_slug=congress_slug)
